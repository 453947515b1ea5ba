// Uses gomap the way a parent project would; exits non-zero if the map misbehaves.
#include <gomap/map.h>

#include <cstdio>
#include <string>

int main() {
  gomap::SeedRandom(7);
  auto m = gomap::Map<std::string, int>::Make();
  for (int i = 0; i < 1000; i++) m.Set("k" + std::to_string(i), i);
  int64_t sum = 0;
  for (auto it = m.Range(); it.Next();) sum += it.Value();
  if (m.Len() != 1000 || sum != 999 * 1000 / 2 || !m.Audit().empty()) {
    std::puts("consumer: map misbehaved");
    return 1;
  }
  std::puts("consumer: ok");
  return 0;
}
