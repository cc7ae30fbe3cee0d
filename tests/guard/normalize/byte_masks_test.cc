#include "guard/normalize/byte_masks.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace bastion::guard {
namespace {

// The SIMD classifier against the scalar reference, on random bytes at every alignment and
// on text made of exactly the bytes each class is about.
TEST(ByteMasks, SimdMatchesScalar) {
  std::mt19937 rng(11);
  std::string bytes(kWindowBytes + 16, '\0');
  for (int round = 0; round < 2000; ++round) {
    for (char& c : bytes) {
      c = static_cast<char>(round % 2 == 0 ? rng() : " az09@$|!AZ\x80\xff{`/:"[rng() % 18]);
    }
    const char* window = bytes.data() + round % 16;
    ASSERT_EQ(ClassifyWindow(window), ClassifyWindowScalar(window)) << round;
  }
}

TEST(ByteMasks, ClassesByByte) {
  std::string bytes(kWindowBytes, '.');
  bytes.replace(0, 8, "a1 |$@\xC3z");
  const ByteMasks m = ClassifyWindowScalar(bytes.data());
  EXPECT_EQ(m.letter, 0b1000'0001u);
  EXPECT_EQ(m.mark, 0b0111'0010u);
  EXPECT_EQ(m.inner, 0b0000'1000u);
  EXPECT_EQ(m.space, 0b0000'0100u);
}

}  // namespace
}  // namespace bastion::guard
