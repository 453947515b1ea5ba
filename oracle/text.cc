// Text trace printer and parser, FORMAT.md §2. The operand shapes come from ops.def, so
// a new op needs no change here.
#include "oracle/text.h"

#include "oracle/literals.h"

namespace gomap::oracle {
namespace {

std::string OperandText(const Config& c, const Op& op) {
  switch (Info(op.op).operands) {
    case Operands::kNone:
      return "";
    case Operands::kKey:
      return " " + FormatKey(c.key, op.key);
    case Operands::kKeyValue:
      return " " + FormatKey(c.key, op.key) + " " + FormatValue(c.value, op.value);
    case Operands::kHint:
    case Operands::kIter:
      return " " + std::to_string(op.n);
    case Operands::kIterValue:
      return " " + std::to_string(op.n) + " " + FormatValue(c.value, op.value);
    case Operands::kHandle:
      return " m" + std::to_string(op.n);
  }
  return "";
}

struct Token {
  std::string_view text;
  size_t column;  // 1-based byte column
};

// Splits a line into tokens, honouring string literals and stopping at a comment.
// Returns false with *error/*column set when a string literal is malformed.
bool Tokenize(std::string_view line, std::vector<Token>* tokens, std::string* error,
              size_t* column) {
  size_t i = 0;
  while (i < line.size()) {
    char c = line[i];
    if (c == ' ' || c == '\t') {
      ++i;
      continue;
    }
    if (c == '#') break;
    size_t start = i;
    if (c == '"') {
      size_t used = 0;
      if (!UnquoteString(line.substr(i), &used, error)) {
        *column = i + used + 1;
        return false;
      }
      i += used;
      if (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '#') {
        *error = "unexpected text right after a string literal";
        *column = i + 1;
        return false;
      }
    } else {
      while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '#') ++i;
    }
    tokens->push_back({line.substr(start, i - start), start + 1});
  }
  return true;
}

class Parser {
 public:
  explicit Parser(std::string_view filename) : filename_(filename) {}

  ParseResult Run(std::string_view text) {
    Trace trace;
    bool have_header = false;
    size_t line_no = 0;
    while (!text.empty() || line_no == 0) {
      ++line_no;
      size_t nl = text.find('\n');
      std::string_view line = text.substr(0, nl);
      text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      line_ = line_no;
      std::vector<Token> tokens;
      std::string error;
      size_t column = 0;
      if (!Tokenize(line, &tokens, &error, &column)) return Fail(column, error);
      if (!tokens.empty()) {
        if (!have_header) {
          if (!ParseHeader(tokens, &trace.config)) return Failed();
          have_header = true;
        } else {
          Op op;
          if (!ParseOp(trace.config, tokens, line.size() + 1, &op)) return Failed();
          trace.ops.push_back(std::move(op));
        }
      }
      if (nl == std::string_view::npos) break;
    }
    if (!have_header) {
      line_ = 1;
      return Fail(1, "missing header line (gomap-trace v1 key=... value=... map=... "
                     "hasher=... seed=...)");
    }
    return ParseResult{std::move(trace), ""};
  }

 private:
  ParseResult Fail(size_t column, const std::string& cause) {
    Error(column, cause);
    return Failed();
  }
  ParseResult Failed() { return ParseResult{std::nullopt, error_}; }
  bool Error(size_t column, const std::string& cause) {
    error_ = std::string(filename_) + ":" + std::to_string(line_) + ":" +
             std::to_string(column) + ": " + cause;
    return false;
  }

  bool ParseHeader(const std::vector<Token>& t, Config* c) {
    if (t[0].text != "gomap-trace") {
      return Error(t[0].column,
                   "missing header line: expected \"gomap-trace v1 ...\" before any op");
    }
    if (t.size() < 2 || t[1].text != "v1") {
      return Error(t.size() < 2 ? t[0].column + t[0].text.size() : t[1].column,
                   "unsupported trace version (this reader knows v1)");
    }
    bool seen[5] = {};
    static constexpr std::string_view kFields[5] = {"key", "value", "map", "hasher", "seed"};
    for (size_t i = 2; i < t.size(); ++i) {
      std::string_view tok = t[i].text;
      size_t eq = tok.find('=');
      int f = -1;
      for (int k = 0; k < 5 && eq != std::string_view::npos; ++k) {
        if (tok.substr(0, eq) == kFields[k]) f = k;
      }
      if (f < 0) {
        return Error(t[i].column, "unknown header field \"" + std::string(tok) +
                                      "\" (expected key=, value=, map=, hasher=, seed=)");
      }
      if (seen[f]) return Error(t[i].column, "duplicate header field " + std::string(kFields[f]));
      seen[f] = true;
      std::string_view v = tok.substr(eq + 1);
      bool ok = true;
      switch (f) {
        case 0:
          if (auto k = KeyTypeByName(v)) c->key = *k; else ok = false;
          break;
        case 1:
          if (auto k = ValueTypeByName(v)) c->value = *k; else ok = false;
          break;
        case 2:
          if (v == "nil") {
            c->nil = true;
            c->hint = 0;
          } else if (v.size() > 6 && v.substr(0, 5) == "make(" && v.back() == ')') {
            auto n = ParseInt64(v.substr(5, v.size() - 6));
            if (n) {
              c->nil = false;
              c->hint = *n;
            } else {
              ok = false;
            }
          } else {
            ok = false;
          }
          break;
        case 3:
          if (auto k = HasherByName(v)) c->hasher = *k; else ok = false;
          break;
        case 4:
          if (auto k = ParseUint64(v)) c->seed = *k; else ok = false;
          break;
      }
      if (!ok) {
        static constexpr std::string_view kAllowed[5] = {
            "int64, string, float64, big, uint8", "int64, big, empty",
            "nil or make(<int64>)", "default, const, lowbits, topbyte, few",
            "a decimal uint64"};
        return Error(t[i].column + eq + 1, "bad " + std::string(kFields[f]) + " \"" +
                                               std::string(v) + "\" (expected " +
                                               std::string(kAllowed[f]) + ")");
      }
    }
    for (int f = 0; f < 5; ++f) {
      if (!seen[f]) {
        return Error(t.back().column + t.back().text.size(),
                     "header is missing " + std::string(kFields[f]) + "=");
      }
    }
    return true;
  }

  bool ParseOp(const Config& c, const std::vector<Token>& t, size_t end_column, Op* op) {
    std::string_view name = t[0].text;
    size_t name_column = t[0].column;
    int handle = -1;
    if (name.size() >= 3 && name[0] == 'm' && name[1] >= '0' && name[1] <= '9' &&
        name[2] == '.') {
      if (name[1] > '3') return Error(t[0].column, "map handle must be m0..m3");
      handle = name[1] - '0';
      name.remove_prefix(3);
      name_column += 3;
    }
    const OpInfo* info = OpByName(name);
    if (info == nullptr) {
      return Error(name_column, "unknown op \"" + std::string(name) + "\"");
    }
    if (handle >= 0 && !info->uses_handle) {
      return Error(t[0].column, std::string(info->text) + " takes no map handle");
    }
    op->op = info->op;
    op->handle = static_cast<uint8_t>(handle < 0 ? 0 : handle);

    static constexpr std::string_view kShape[] = {
        "", "<key>", "<key> <value>", "<hint>", "<iterator 0..3>",
        "<iterator 0..3> <value>", "m<0..3>"};
    const std::string usage =
        std::string(info->text) + " " + std::string(kShape[static_cast<int>(info->operands)]);
    size_t want = 0;
    switch (info->operands) {
      case Operands::kNone: want = 0; break;
      case Operands::kKey: case Operands::kHint: case Operands::kIter:
      case Operands::kHandle: want = 1; break;
      case Operands::kKeyValue: case Operands::kIterValue: want = 2; break;
    }
    if (t.size() - 1 > want) {
      return Error(t[want + 1].column, "too many operands (usage: " + usage + ")");
    }
    if (t.size() - 1 < want) {
      return Error(end_column, "missing operand (usage: " + usage + ")");
    }
    std::string error;
    switch (info->operands) {
      case Operands::kNone:
        break;
      case Operands::kKey:
      case Operands::kKeyValue: {
        auto k = ParseKey(c.key, t[1].text, &error);
        if (!k) return Error(t[1].column, error);
        op->key = std::move(*k);
        if (info->operands == Operands::kKeyValue) {
          auto v = ParseValue(c.value, t[2].text, &error);
          if (!v) return Error(t[2].column, error);
          op->value = std::move(*v);
        }
        break;
      }
      case Operands::kHint: {
        auto n = ParseInt64(t[1].text);
        if (!n) return Error(t[1].column, "expected int64 hint, got " + QuoteString(t[1].text));
        op->n = *n;
        break;
      }
      case Operands::kIter:
      case Operands::kIterValue: {
        std::string_view s = t[1].text;
        if (s.size() != 1 || s[0] < '0' || s[0] > '3') {
          return Error(t[1].column, "expected iterator id 0..3, got " + QuoteString(s));
        }
        op->n = s[0] - '0';
        if (info->operands == Operands::kIterValue) {
          auto v = ParseValue(c.value, t[2].text, &error);
          if (!v) return Error(t[2].column, error);
          op->value = std::move(*v);
        }
        break;
      }
      case Operands::kHandle: {
        std::string_view s = t[1].text;
        if (s.size() != 2 || s[0] != 'm' || s[1] < '0' || s[1] > '3') {
          return Error(t[1].column, "expected map handle m0..m3, got " + QuoteString(s));
        }
        op->n = s[1] - '0';
        break;
      }
    }
    return true;
  }

  std::string_view filename_;
  size_t line_ = 0;
  std::string error_;
};

}  // namespace

std::string HeaderText(const Config& c) {
  std::string map = c.nil ? "nil" : "make(" + std::to_string(c.hint) + ")";
  return "gomap-trace v1 key=" + std::string(Name(c.key)) +
         " value=" + std::string(Name(c.value)) + " map=" + map +
         " hasher=" + std::string(Name(c.hasher)) + " seed=" + std::to_string(c.seed);
}

std::string OpText(const Config& c, const Op& op) {
  std::string prefix = op.handle != 0 ? "m" + std::to_string(op.handle) + "." : "";
  return prefix + std::string(Info(op.op).text) + OperandText(c, op);
}

std::string ObservationLine(const Config& c, const Op& op, std::string_view result) {
  return OpText(c, op) + " -> " + std::string(result);
}

std::string PrintText(const Trace& trace, const PrintOptions& options) {
  std::string out = HeaderText(trace.config) + "\n";
  for (size_t i = 0; i < trace.ops.size() && i < options.max_ops; ++i) {
    out += OpText(trace.config, trace.ops[i]);
    if (options.results && i < options.results->size()) {
      out += "  # -> " + (*options.results)[i];
    }
    if (i == options.mark_op) {
      out += options.results && i < options.results->size() ? "  <-- divergence"
                                                            : "  # <-- divergence";
    }
    out += "\n";
  }
  return out;
}

bool IsTextTrace(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
    } else if (c == '#') {
      size_t eol = s.find('\n', i);
      if (eol == std::string_view::npos) return false;
      i = eol + 1;
    } else {
      std::string_view rest = s.substr(i);
      return rest.starts_with("gomap-trace") &&
             (rest.size() == 11 || rest[11] == ' ' || rest[11] == '\t' || rest[11] == '\r' ||
              rest[11] == '\n');
    }
  }
  return false;
}

ParseResult ParseText(std::string_view text, std::string_view filename) {
  return Parser(filename).Run(text);
}

}  // namespace gomap::oracle
