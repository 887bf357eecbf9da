#include "common/status.h"

#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/ids.h"

namespace common {
namespace {

// Every ErrorCode: the enum is dense from kOk to kInternal, which stays last.
std::vector<ErrorCode> AllCodes() {
  std::vector<ErrorCode> codes;
  for (int i = 0; i <= static_cast<int>(ErrorCode::kInternal); ++i) {
    codes.push_back(static_cast<ErrorCode>(i));
  }
  return codes;
}

// Verifies that a default Status is OK, with no message.
TEST(StatusTest, DefaultIsOk) {
  Status status;
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.code(), ErrorCode::kOk);
  EXPECT_EQ(status.message(), "");
  EXPECT_EQ(status.ToString(), "Ok");
  EXPECT_EQ(status, Status::Ok());
}

// Verifies code, message, ToString and equality of an error Status.
TEST(StatusTest, CarriesCodeAndMessage) {
  Status status = NotFound("no such bucket");
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.code(), ErrorCode::kNotFound);
  EXPECT_EQ(status.message(), "no such bucket");
  EXPECT_EQ(status.ToString(), "NotFound: no such bucket");
  EXPECT_EQ(Status(ErrorCode::kTimeout, "").ToString(), "Timeout");
  EXPECT_EQ(status, Status(ErrorCode::kNotFound, "no such bucket"));
  EXPECT_NE(status, NotFound("other"));
  EXPECT_NE(status, Conflict("no such bucket"));
}

// Verifies that each helper constructor produces its code.
TEST(StatusTest, HelpersSetTheirCodes) {
  EXPECT_EQ(InvalidArgument("m").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(NotFound("m").code(), ErrorCode::kNotFound);
  EXPECT_EQ(AlreadyExists("m").code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(Conflict("m").code(), ErrorCode::kConflict);
  EXPECT_EQ(Unavailable("m").code(), ErrorCode::kUnavailable);
  EXPECT_EQ(IoError("m").code(), ErrorCode::kIoError);
  EXPECT_EQ(Internal("m").code(), ErrorCode::kInternal);
  EXPECT_EQ(Corruption("m").code(), ErrorCode::kCorruption);
  EXPECT_EQ(TooLarge("m").code(), ErrorCode::kTooLarge);
  EXPECT_EQ(Unimplemented("m").code(), ErrorCode::kUnimplemented);
}

// Verifies that every code has its own name and none is "Unknown".
TEST(StatusTest, ErrorCodeNamesAreDistinct) {
  std::set<std::string_view> names;
  for (ErrorCode code : AllCodes()) {
    std::string_view name = ErrorCodeName(code);
    EXPECT_FALSE(name.empty());
    EXPECT_NE(name, "Unknown") << static_cast<int>(code);
    EXPECT_TRUE(names.insert(name).second) << "duplicate name " << name;
  }
  EXPECT_EQ(ErrorCodeName(ErrorCode::kOk), "Ok");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kPreconditionFailed), "PreconditionFailed");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kInternal), "Internal");
  EXPECT_EQ(ErrorCodeName(static_cast<ErrorCode>(999)), "Unknown");
}

// Verifies that a Result holds either a value or an error, never both.
TEST(ResultTest, HoldsValueOrStatus) {
  Result<int> value = 42;
  ASSERT_TRUE(value.ok());
  EXPECT_TRUE(static_cast<bool>(value));
  EXPECT_EQ(*value, 42);
  EXPECT_EQ(value.value(), 42);
  EXPECT_TRUE(value.status().ok());

  Result<int> error = Conflict("busy");
  EXPECT_FALSE(error.ok());
  EXPECT_FALSE(static_cast<bool>(error));
  EXPECT_EQ(error.status(), Conflict("busy"));
}

// Verifies member access and moving a move-only value out of a Result.
TEST(ResultTest, MovesValueOut) {
  Result<std::string> text = std::string("hello");
  EXPECT_EQ(text->size(), 5u);
  text.value() += "!";
  EXPECT_EQ(*text, "hello!");

  Result<std::unique_ptr<int>> owned = std::make_unique<int>(7);
  ASSERT_TRUE(owned.ok());
  std::unique_ptr<int> taken = std::move(owned).value();
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(*taken, 7);
}

Status Step(bool fail, int* reached) {
  ++*reached;
  return fail ? Unavailable("step failed") : Status::Ok();
}

Status TwoSteps(bool fail_first, int* reached) {
  STRATUS_RETURN_IF_ERROR(Step(fail_first, reached));
  STRATUS_RETURN_IF_ERROR(Step(false, reached));
  return Status::Ok();
}

Result<int> StepsThenValue(bool fail_first, int* reached) {
  STRATUS_RETURN_IF_ERROR(Step(fail_first, reached));
  return 5;
}

// Verifies that STRATUS_RETURN_IF_ERROR returns the first error and continues
// on OK, in functions returning Status and Result<T>.
TEST(StatusTest, ReturnIfErrorPropagates) {
  int reached = 0;
  EXPECT_EQ(TwoSteps(true, &reached), Unavailable("step failed"));
  EXPECT_EQ(reached, 1);
  reached = 0;
  EXPECT_TRUE(TwoSteps(false, &reached).ok());
  EXPECT_EQ(reached, 2);

  reached = 0;
  Result<int> failed = StepsThenValue(true, &reached);
  EXPECT_EQ(failed.status().code(), ErrorCode::kUnavailable);
  Result<int> passed = StepsThenValue(false, &reached);
  ASSERT_TRUE(passed.ok());
  EXPECT_EQ(*passed, 5);
}

// Verifies that STRATUS_BUG counts in release builds and aborts in debug ones.
TEST(StatusTest, BugIsCountedOrAborts) {
#ifdef NDEBUG
  uint64_t before = BugCount();
  STRATUS_BUG("test invariant");
  EXPECT_EQ(BugCount(), before + 1);
#else
  EXPECT_DEATH(STRATUS_BUG("test invariant"), "");
#endif
}

bool IsRequestId(const std::string& id) {
  if (id.size() != 16) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))) return false;
  }
  return true;
}

// Verifies that request ids are 16 upper-case hex characters and distinct.
TEST(IdsTest, RequestIdsAreDistinctHex) {
  std::set<std::string> ids;
  for (int i = 0; i < 10000; ++i) {
    std::string id = NewRequestId();
    ASSERT_TRUE(IsRequestId(id)) << id;
    ids.insert(std::move(id));
  }
  EXPECT_EQ(ids.size(), 10000u);
}

// Verifies that ids drawn from several threads at once are all distinct.
TEST(IdsTest, RequestIdsAreDistinctAcrossThreads) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 5000;
  std::vector<std::vector<std::string>> drawn(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&drawn, t] {
      for (int i = 0; i < kPerThread; ++i) drawn[t].push_back(NewRequestId());
    });
  }
  for (std::thread& t : threads) t.join();
  std::set<std::string> all;
  for (const auto& ids : drawn) all.insert(ids.begin(), ids.end());
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread));
}

// Verifies that RandomString has the requested length and only uses the alphabet.
TEST(IdsTest, RandomStringUsesAlphabet) {
  constexpr std::string_view kAlphabet = "abc123";
  std::string s = RandomString(1000, kAlphabet);
  ASSERT_EQ(s.size(), 1000u);
  EXPECT_EQ(s.find_first_not_of(kAlphabet), std::string::npos);
  for (char c : kAlphabet) EXPECT_NE(s.find(c), std::string::npos) << c;
  EXPECT_NE(RandomString(32, kAlphabet), RandomString(32, kAlphabet));
  EXPECT_EQ(RandomString(0, kAlphabet), "");
  EXPECT_EQ(RandomString(5, "x"), "xxxxx");
}

// Verifies that RandomString is unbiased: with a 192-letter alphabet a
// byte-modulo draw would make the first 64 letters twice as likely as the rest.
TEST(IdsTest, RandomStringIsUnbiased) {
  std::string alphabet;
  for (int i = 0; i < 192; ++i) alphabet += static_cast<char>(i);
  constexpr size_t kDraws = 192 * 2000;
  std::string s = RandomString(kDraws, alphabet);
  ASSERT_EQ(s.size(), kDraws);
  size_t low = 0;
  for (char c : s) low += static_cast<unsigned char>(c) < 64 ? 1 : 0;
  // Expected 1/3 of the draws unbiased, 1/2 biased; the margin is > 40 sigma.
  double share = static_cast<double>(low) / static_cast<double>(kDraws);
  EXPECT_NEAR(share, 1.0 / 3.0, 0.03);
}

}  // namespace
}  // namespace common
