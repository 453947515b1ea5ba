// Go's iteration rules, checked for one live iterator against the reference model.
// Iteration order is never compared; these rules are (go-map-semantics §4):
//   - a produced key is present at that moment, and produced with its current value and
//     its stored key bits (-0 after an overwrite of +0 with -0);
//   - no entry is produced twice (an entry deleted and re-inserted is a new entry);
//   - entries deleted before being reached are never produced (a special case of the
//     first rule, with the entry ids of model.h);
//   - every entry present when the iterator began and never deleted is produced by the
//     end, each NaN entry exactly once;
//   - entries created during the iteration may or may not be produced.
// A NaN key cannot be looked up, so a produced NaN is matched to a not-yet-produced NaN
// entry with the same value, preferring one the iterator is required to produce.
//
// The checker keeps only entry ids; every call gets the table in its current state (the
// table the iterator ranges over, null for a nil map), so it works both with a live
// model (the executor) and with a model that is a fresh value at each step (RapidCheck).
// Ids are handed out in increasing order and never reused (model.h), so an entry present
// now was present at Begin, and never deleted since, exactly when its id is below the
// table's next id at Begin: one number instead of a set of the entries at Begin. The
// produced ids are bits indexed by id. Iteration checks run at every step of every fuzz
// input, so neither allocates per entry.
#ifndef GOMAP_ORACLE_ITER_RULES_H_
#define GOMAP_ORACLE_ITER_RULES_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "oracle/model.h"
#include "oracle/model_alloc.h"

namespace gomap::oracle {

struct RuleViolation {
  std::string aspect;  // words only, e.g. "duplicate entry" (part of the signature)
  std::string detail;  // what was expected instead
};

template <class K, class V>
class IterRules {
 public:
  using Table = ModelTable<K, V>;

  // Range over `table` (null for a nil map) begins now.
  void Begin(const Table* table) {
    begin_id_ = table ? table->next_id() : 0;
    // Zeroed words for every entry present now, in one allocation; entries created
    // during the iteration extend them (MarkProduced).
    produced_.assign(begin_id_ / 64 + 1, 0);
  }

  // The iterator produced (k, v).
  std::optional<RuleViolation> Yield(const Table* table, const K& k, const V& v) {
    if (!table) return RuleViolation{"entry from nil map", "nothing: the map is nil"};
    if (IsNaN(k)) return YieldNaN(*table, v);
    const auto* e = table->Find(k);
    if (e == nullptr) {
      return RuleViolation{"deleted entry",
                           "only keys present now; " + Format(k) + " is not in the map"};
    }
    if (!MarkProduced(e->id)) {
      return RuleViolation{"duplicate entry", Format(k) + " was already produced"};
    }
    if (!SameBits(e->key, k)) {
      return RuleViolation{"key", "the stored key " + Format(e->key)};
    }
    if (!(e->value == v)) {
      return RuleViolation{"value", "the current value " + Format(e->key) + " " +
                                        Format(e->value)};
    }
    return std::nullopt;
  }

  // The iterator reported the end.
  std::optional<RuleViolation> End(const Table* table) {
    std::optional<RuleViolation> missed;
    if (table) {
      table->ForEach([&](const auto& e) {
        if (!missed && Required(e.id) && !Produced(e.id)) {
          missed = RuleViolation{"missed entry", "the entry " + Format(e.key) + " " +
                                                     Format(e.value) +
                                                     ", present since the start"};
        }
      });
    }
    return missed;
  }

 private:
  std::optional<RuleViolation> YieldNaN(const Table& table, const V& v) {
    const typename Table::Entry* pick = nullptr;
    bool seen_produced = false;
    for (const auto& e : table.nans()) {
      if (!(e.value == v)) continue;
      if (Produced(e.id)) {
        seen_produced = true;
        continue;
      }
      if (pick == nullptr || (Required(e.id) && !Required(pick->id))) pick = &e;
    }
    if (pick == nullptr) {
      if (seen_produced) {
        return RuleViolation{"duplicate entry",
                             "every NaN entry with value " + Format(v) + " was produced"};
      }
      return RuleViolation{"deleted entry", "no NaN entry with value " + Format(v)};
    }
    MarkProduced(pick->id);
    return std::nullopt;
  }

  // For entries present now: present at Begin and never deleted since.
  bool Required(uint64_t id) const { return id < begin_id_; }
  bool Produced(uint64_t id) const {
    return id / 64 < produced_.size() && (produced_[id / 64] >> (id % 64) & 1) != 0;
  }
  // False when the entry was already produced.
  bool MarkProduced(uint64_t id) {
    if (id / 64 >= produced_.size()) {
      produced_.resize(std::max<size_t>(id / 64 + 1, 2 * produced_.size()), 0);
    }
    uint64_t& word = produced_[id / 64];
    const uint64_t bit = uint64_t{1} << (id % 64);
    if (word & bit) return false;
    word |= bit;
    return true;
  }

  uint64_t begin_id_ = 0;           // the table's next id at Begin (0: nil map)
  // Bit id % 64 of word id / 64: entry id produced. From the models' pool: every range
  // of every fuzz input starts one.
  std::vector<uint64_t, ModelAllocator<uint64_t>> produced_;
};

}  // namespace gomap::oracle

#endif  // GOMAP_ORACLE_ITER_RULES_H_
