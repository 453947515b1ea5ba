// Go's iteration rules as checked by IterRules, fed by hand: each rule must reject the
// sequence that breaks it and accept the ones Go allows.
#include "oracle/iter_rules.h"

#include <memory>

#include <gtest/gtest.h>

#include "oracle/literals.h"

namespace gomap::oracle {
namespace {

using Table = ModelTable<double, int64_t>;

std::string Aspect(const std::optional<RuleViolation>& v) { return v ? v->aspect : "ok"; }

TEST(IterRules, AcceptsEveryEntryOnceWithCurrentValues) {
  auto t = std::make_shared<Table>();
  t->Set(1, 10);
  t->Set(2, 20);
  IterRules<double, int64_t> r;
  r.Begin(t.get());
  EXPECT_EQ(Aspect(r.Yield(t.get(), 2, 20)), "ok");
  t->Set(1, 11);  // updated before being reached: the new value is produced
  EXPECT_EQ(Aspect(r.Yield(t.get(), 1, 11)), "ok");
  EXPECT_EQ(Aspect(r.End(t.get())), "ok");
}

TEST(IterRules, RejectsDuplicatesButAllowsADeletedAndReinsertedKeyAgain) {
  auto t = std::make_shared<Table>();
  t->Set(1, 10);
  IterRules<double, int64_t> r;
  r.Begin(t.get());
  EXPECT_EQ(Aspect(r.Yield(t.get(), 1, 10)), "ok");
  EXPECT_EQ(Aspect(r.Yield(t.get(), 1, 10)), "duplicate entry");
  r.Begin(t.get());
  EXPECT_EQ(Aspect(r.Yield(t.get(), 1, 10)), "ok");
  t->Delete(1);
  t->Set(1, 12);
  EXPECT_EQ(Aspect(r.Yield(t.get(), 1, 12)), "ok");
}

TEST(IterRules, RejectsDeletedEntriesStaleValuesAndWrongKeySigns) {
  auto t = std::make_shared<Table>();
  t->Set(1, 10);
  t->Set(0.0, 5);
  IterRules<double, int64_t> r;
  r.Begin(t.get());
  t->Delete(1);
  EXPECT_EQ(Aspect(r.Yield(t.get(), 1, 10)), "deleted entry");
  EXPECT_EQ(Aspect(r.Yield(t.get(), 3, 10)), "deleted entry");
  t->Set(-0.0, 6);
  r.Begin(t.get());
  EXPECT_EQ(Aspect(r.Yield(t.get(), 0.0, 6)), "key");
  r.Begin(t.get());
  EXPECT_EQ(Aspect(r.Yield(t.get(), -0.0, 5)), "value");
}

TEST(IterRules, RequiresEveryEntryPresentAtTheStartAndNotDeleted) {
  auto t = std::make_shared<Table>();
  t->Set(1, 10);
  t->Set(2, 20);
  t->Set(3, 30);
  IterRules<double, int64_t> r;
  r.Begin(t.get());
  EXPECT_EQ(Aspect(r.Yield(t.get(), 1, 10)), "ok");
  t->Delete(2);   // deleted: no longer required
  t->Set(4, 40);  // new: not required
  EXPECT_EQ(Aspect(r.End(t.get())), "missed entry");  // 3 is missing
  r.Begin(t.get());
  EXPECT_EQ(Aspect(r.Yield(t.get(), 1, 10)), "ok");
  EXPECT_EQ(Aspect(r.Yield(t.get(), 3, 30)), "ok");
  t->Clear();
  EXPECT_EQ(Aspect(r.End(t.get())), "ok");  // cleared entries are not required
}

TEST(IterRules, ProducesEachNaNEntryExactlyOnce) {
  auto t = std::make_shared<Table>();
  t->Set(GoNaN(), 1);
  t->Set(GoNaN(), 1);
  t->Set(GoNaN(), 2);
  IterRules<double, int64_t> r;
  r.Begin(t.get());
  EXPECT_EQ(Aspect(r.Yield(t.get(), GoNaN(), 1)), "ok");
  EXPECT_EQ(Aspect(r.Yield(t.get(), GoNaN(), 1)), "ok");
  EXPECT_EQ(Aspect(r.Yield(t.get(), GoNaN(), 1)), "duplicate entry");
  EXPECT_EQ(Aspect(r.Yield(t.get(), GoNaN(), 3)), "deleted entry");
  EXPECT_EQ(Aspect(r.End(t.get())), "missed entry");  // NaN 2
  r.Begin(t.get());
  t->Set(GoNaN(), 2);  // added during the iteration: optional
  EXPECT_EQ(Aspect(r.Yield(t.get(), GoNaN(), 2)), "ok");
  EXPECT_EQ(Aspect(r.Yield(t.get(), GoNaN(), 1)), "ok");
  EXPECT_EQ(Aspect(r.Yield(t.get(), GoNaN(), 1)), "ok");
  EXPECT_EQ(Aspect(r.End(t.get())), "ok");
}

TEST(IterRules, ANilMapProducesNothing) {
  IterRules<double, int64_t> r;
  r.Begin(nullptr);
  EXPECT_EQ(Aspect(r.End(nullptr)), "ok");
  r.Begin(nullptr);
  EXPECT_EQ(Aspect(r.Yield(nullptr, 1, 1)), "entry from nil map");
}

}  // namespace
}  // namespace gomap::oracle
