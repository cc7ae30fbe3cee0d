#include <gtest/gtest.h>

#include "guard/validators/iban.h"
#include "guard/validators/luhn.h"
#include "guard/validators/payment_card.h"
#include "guard/validators/uk_nino.h"
#include "guard/validators/us_ssn.h"

namespace bastion::guard {
namespace {

TEST(LuhnTest, ChecksDigits) {
  EXPECT_TRUE(LuhnValid("79927398713"));
  EXPECT_FALSE(LuhnValid("79927398710"));
  EXPECT_FALSE(LuhnValid("7992739871a"));
  EXPECT_FALSE(LuhnValid("0"));
}

TEST(PaymentCardTest, NetworkPrefixLengthAndLuhn) {
  EXPECT_TRUE(IsCardNumber("4556737586899855"));   // Visa 16
  EXPECT_FALSE(IsCardNumber("4556737586899856"));  // Luhn fails
  EXPECT_FALSE(IsCardNumber("455673758689985"));   // Visa is never 15 digits
  EXPECT_TRUE(IsCardNumber("2221000000000009"));   // Mastercard 2-series
  EXPECT_TRUE(IsCardNumber("378282246310005"));    // Amex (a test number, still a card)
  EXPECT_FALSE(IsCardNumber("9999999999999995"));  // no network
  EXPECT_TRUE(IsPublishedTestCardNumber("4242424242424242"));
  EXPECT_FALSE(IsPublishedTestCardNumber("4556737586899855"));
}

TEST(IbanTest, LengthAndMod97) {
  EXPECT_TRUE(IbanValid("DE89370400440532013000"));
  EXPECT_TRUE(IbanValid("GB82WEST12345698765432"));
  EXPECT_FALSE(IbanValid("GB82WEST12345698765433"));  // check digits
  EXPECT_FALSE(IbanValid("DE8937040044053201300"));   // one short for DE
  EXPECT_FALSE(IbanValid("XX89370400440532013000"));  // unknown country
  EXPECT_EQ(IbanLength("NO"), 15u);
}

TEST(UsSsnTest, AreaGroupSerial) {
  EXPECT_TRUE(UsSsnValid("536904399"));
  EXPECT_FALSE(UsSsnValid("000123456"));
  EXPECT_FALSE(UsSsnValid("666123456"));
  EXPECT_FALSE(UsSsnValid("912345678"));
  EXPECT_FALSE(UsSsnValid("536004399"));
  EXPECT_FALSE(UsSsnValid("536900000"));
  EXPECT_FALSE(UsSsnValid("078051120"));
  EXPECT_FALSE(UsSsnValid("219099999"));
}

TEST(UkNinoTest, PrefixAndSuffix) {
  EXPECT_TRUE(IsUkNino("AB123456C"));
  EXPECT_FALSE(IsUkNino("QQ123456C"));
  EXPECT_FALSE(IsUkNino("GB123456A"));
  EXPECT_FALSE(IsUkNino("AB123456E"));
}

}  // namespace
}  // namespace bastion::guard
