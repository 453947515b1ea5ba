// The C++ types behind each configuration choice, and the bridges between them and the
// type-independent literals of a trace: conversion both ways, canonical printing, and
// Go's notion of key identity (NaN, +0/-0) for the reference model.
#ifndef GOMAP_ORACLE_TYPED_H_
#define GOMAP_ORACLE_TYPED_H_

#include <bit>
#include <cstdint>
#include <functional>
#include <string>
#include <type_traits>
#include <variant>

#include "oracle/literals.h"
#include "oracle/trace.h"

namespace gomap::oracle {

// key=uint8 is Go's uint8; every other choice maps to the obvious C++ type.
template <class T>
T FromLit(const Lit& l) {
  if constexpr (std::is_same_v<T, uint8_t>) {
    return static_cast<uint8_t>(std::get<int64_t>(l));
  } else if constexpr (std::is_same_v<T, Empty>) {
    return Empty{};
  } else {
    return std::get<T>(l);
  }
}

template <class T>
Lit ToLit(const T& v) {
  if constexpr (std::is_same_v<T, uint8_t>) {
    return Lit(int64_t{v});
  } else if constexpr (std::is_same_v<T, Empty>) {
    return Lit();
  } else {
    return Lit(v);
  }
}

// The configuration choice a C++ type stands for.
template <class K>
constexpr KeyType KeyTypeOf() {
  if constexpr (std::is_same_v<K, int64_t>) return KeyType::kInt64;
  if constexpr (std::is_same_v<K, std::string>) return KeyType::kString;
  if constexpr (std::is_same_v<K, double>) return KeyType::kFloat64;
  if constexpr (std::is_same_v<K, Big>) return KeyType::kBig;
  if constexpr (std::is_same_v<K, uint8_t>) return KeyType::kUint8;
}
template <class V>
constexpr ValueType ValueTypeOf() {
  if constexpr (std::is_same_v<V, int64_t>) return ValueType::kInt64;
  if constexpr (std::is_same_v<V, Big>) return ValueType::kBig;
  if constexpr (std::is_same_v<V, Empty>) return ValueType::kEmpty;
}

// Canonical text (FORMAT.md §2.3).
inline std::string Format(int64_t v) { return std::to_string(v); }
inline std::string Format(uint8_t v) { return std::to_string(int{v}); }
inline std::string Format(double v) { return FormatFloat(v); }
inline std::string Format(const std::string& v) { return QuoteString(v); }
inline std::string Format(const Big& v) { return FormatBig(v); }
inline std::string Format(Empty) { return "{}"; }
inline std::string Format(bool v) { return v ? "true" : "false"; }

template <class K>
bool IsNaN(const K& k) {
  if constexpr (std::is_floating_point_v<K>) {
    return k != k;
  } else {
    return false;
  }
}

// The same bits: distinguishes -0 from +0 where Go's == does not.
template <class T>
bool SameBits(const T& a, const T& b) {
  if constexpr (std::is_same_v<T, double>) {
    return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b);
  } else {
    return a == b;
  }
}

// Hash for the reference model's std::unordered_map: consistent with Go's == on the
// keys it ever holds (no NaN; +0 and -0 together).
template <class K>
struct ModelHash {
  size_t operator()(const K& k) const {
    if constexpr (std::is_same_v<K, double>) {
      return k == 0 ? 0 : std::hash<uint64_t>()(std::bit_cast<uint64_t>(k));
    } else if constexpr (std::is_same_v<K, Big>) {
      size_t h = 0;
      for (uint64_t w : k.w) h = h * 1000003 ^ std::hash<uint64_t>()(w);
      return h;
    } else {
      return std::hash<K>()(k);
    }
  }
};

}  // namespace gomap::oracle

#endif  // GOMAP_ORACLE_TYPED_H_
