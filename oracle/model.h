// The reference model of one Go map table: std::unordered_map plus the two things it
// lacks for Go's semantics — NaN keys (never equal to anything, so each insert is a new
// entry, kept in a list that only iteration and clear can reach) and +0/-0 (one key whose
// stored sign follows the last overwrite). Nil maps and the nil-map panic are the
// executor's business: a nil handle simply has no table.
//
// Each entry carries an id that is new for every insert of an absent key and kept by
// overwrites, so iteration rules can tell "the same entry" from "deleted and re-inserted".
// Deliberately thin: if this file is wrong, it is wrong in an obvious way.
#ifndef GOMAP_ORACLE_MODEL_H_
#define GOMAP_ORACLE_MODEL_H_

#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>

#include "oracle/model_alloc.h"
#include "oracle/typed.h"

namespace gomap::oracle {

template <class K, class V>
class ModelTable {
 public:
  struct Entry {
    K key;
    V value;
    uint64_t id;
  };

  // m[k] = v. Returns true when this added an entry (absent key, or any NaN).
  bool Set(const K& k, const V& v) {
    if (IsNaN(k)) {
      nans_.push_back({k, v, next_id_++});
      return true;
    }
    auto [it, inserted] = entries_.try_emplace(k, Entry{k, v, 0});
    if (inserted) {
      it->second.id = next_id_++;
    } else {
      it->second.key = k;  // Go's needkeyupdate: the stored key becomes the new one
      it->second.value = v;
    }
    return inserted;
  }

  // The entry with key == k, or null (always null for NaN).
  const Entry* Find(const K& k) const {
    if (IsNaN(k)) return nullptr;
    auto it = entries_.find(k);
    return it == entries_.end() ? nullptr : &it->second;
  }

  void Delete(const K& k) {
    if (!IsNaN(k)) entries_.erase(k);
  }

  // clear(m): every entry goes, NaN ones included.
  void Clear() {
    entries_.clear();
    nans_.clear();
  }

  int64_t Len() const { return static_cast<int64_t>(entries_.size() + nans_.size()); }

  const std::vector<Entry>& nans() const { return nans_; }

  // The id the next added entry will get: every entry ever added has a smaller one.
  uint64_t next_id() const { return next_id_; }

  // Calls f(entry) for every entry, NaN ones included, in no particular order.
  template <class F>
  void ForEach(F&& f) const {
    for (const auto& [k, e] : entries_) f(e);
    for (const Entry& e : nans_) f(e);
  }

 private:
  // std::equal_to: Go's == sans NaN. Nodes from the models' pool (model_alloc.h).
  std::unordered_map<K, Entry, ModelHash<K>, std::equal_to<K>,
                     ModelAllocator<std::pair<const K, Entry>>>
      entries_;
  std::vector<Entry> nans_;
  uint64_t next_id_ = 1;
};

}  // namespace gomap::oracle

#endif  // GOMAP_ORACLE_MODEL_H_
