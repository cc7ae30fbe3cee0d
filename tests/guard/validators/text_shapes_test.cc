#include <gtest/gtest.h>

#include "guard/validators/calendar_date.h"
#include "guard/validators/ip_address.h"
#include "guard/validators/person_name.h"
#include "guard/validators/phone_number.h"

namespace bastion::guard {
namespace {

TEST(IpAddressTest, Ipv4) {
  EXPECT_TRUE(IsIpv4("192.168.0.1"));
  EXPECT_TRUE(IsIpv4("0.0.0.0"));
  EXPECT_FALSE(IsIpv4("256.1.1.1"));
  EXPECT_FALSE(IsIpv4("1.2.3"));
  EXPECT_FALSE(IsIpv4("1.2.3.4.5"));
  EXPECT_FALSE(IsIpv4("1..2.3"));
}

TEST(IpAddressTest, Ipv6) {
  EXPECT_TRUE(IsIpv6("2001:0db8:0000:0000:0000:ff00:0042:8329", 3));
  EXPECT_TRUE(IsIpv6("2001:db8::ff00:42:8329", 3));
  EXPECT_FALSE(IsIpv6("fe80::1", 3));
  EXPECT_TRUE(IsIpv6("fe80::1", 2));
  EXPECT_FALSE(IsIpv6("12:30:45", 3));           // a time
  EXPECT_FALSE(IsIpv6("00:1A:2B:3C:4D:5E", 3));  // a MAC address
  EXPECT_FALSE(IsIpv6("1::2::3", 3));
}

TEST(CalendarDateTest, Forms) {
  auto whole = [](std::string_view s) { return DateEndAt(s, 0) == s.size(); };
  EXPECT_TRUE(whole("2/8/1935"));
  EXPECT_TRUE(whole("1985-03-12"));
  EXPECT_TRUE(whole("03.11.72"));
  EXPECT_TRUE(whole("12 March 1985"));
  EXPECT_TRUE(whole("March 3rd, 2015"));
  EXPECT_TRUE(whole("12. M\xc3\xa4rz 1985"));
  EXPECT_FALSE(whole("13/13/1985"));
  EXPECT_FALSE(whole("1.2.3"));
  EXPECT_FALSE(whole("12 Marchers 1985"));
}

TEST(PhoneNumberTest, ShapesThatAreNotPhones) {
  EXPECT_TRUE(PlausiblePhoneNumber("+44 20 7946 0958", false));
  EXPECT_TRUE(PlausiblePhoneNumber("(415) 555-0100", false));
  EXPECT_FALSE(PlausiblePhoneNumber("536-90-4399", false));  // SSN
  EXPECT_FALSE(PlausiblePhoneNumber("2023-01-15", true));    // date
  EXPECT_FALSE(PlausiblePhoneNumber("192.168.100.200", false));
  EXPECT_FALSE(PlausiblePhoneNumber("415 - 555", true));
  EXPECT_FALSE(PlausiblePhoneNumber("5550100999", false));  // a bare run needs context
  EXPECT_TRUE(PlausiblePhoneNumber("5550100999", true));
}

TEST(PersonNameTest, Lists) {
  EXPECT_TRUE(IsCommonNonNameWord("Groot"));
  EXPECT_TRUE(IsCommonNonNameWord("going"));
  EXPECT_FALSE(IsCommonNonNameWord("Priya"));
  EXPECT_TRUE(IsNameCueWord("Dear"));
  EXPECT_FALSE(IsNameCueWord("Smith"));
}

}  // namespace
}  // namespace bastion::guard
