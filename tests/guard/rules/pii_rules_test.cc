#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "guard/detector.h"
#include "guard/pattern_set.h"

namespace bastion::guard {
namespace {

using Found = std::vector<std::pair<std::string, std::string>>;  // rule, value

const Detector& Pii() {
  static const std::shared_ptr<const Detector> detector = [] {
    auto d = Detector::Create(PiiRules());
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return *d;
  }();
  return *detector;
}

Found Find(std::string_view text) {
  Found out;
  for (const Finding& f : Pii().Detect(text).findings) {
    out.emplace_back(std::string(f.rule), std::string(text.substr(f.span.start, f.span.size())));
  }
  return out;
}

Found One(std::string rule, std::string value) { return {{std::move(rule), std::move(value)}}; }

TEST(PiiRulesTest, EveryRuleCompilesInBlockAndStreamMode) {
  for (const Rule& rule : PiiRules()) {
    for (auto mode : {PatternSet::Mode::kBlock, PatternSet::Mode::kStream}) {
      auto set = PatternSet::Compile({&rule}, mode);
      EXPECT_TRUE(set.ok()) << rule.id << ": " << set.status().ToString();
    }
    EXPECT_TRUE(rule.id.starts_with("pii.")) << rule.id;
    EXPECT_EQ(rule.category, Category::kPii) << rule.id;
    EXPECT_FALSE(rule.placeholder.empty()) << rule.id;
  }
  std::vector<const Rule*> all;
  for (const Rule& rule : PiiRules()) all.push_back(&rule);
  EXPECT_TRUE(PatternSet::Compile(all, PatternSet::Mode::kStream).ok());
}

TEST(PiiRulesTest, Email) {
  EXPECT_EQ(Find("Draft an email to jane.doe@acme.io about the launch"),
            One("pii.email", "jane.doe@acme.io"));
  EXPECT_EQ(Find("<mailto:bob+news@mail.example.co.uk>"),
            One("pii.email", "bob+news@mail.example.co.uk"));
  EXPECT_EQ(Find("logo: assets/icon@2x.png"), Found{});
  EXPECT_EQ(Find("npm i lodash@4.17.21"), Found{});
}

TEST(PiiRulesTest, Phone) {
  EXPECT_EQ(Find("call (415) 555-0100 today"), One("pii.phone", "(415) 555-0100"));
  EXPECT_EQ(Find("Office: 415-555-0100."), One("pii.phone", "415-555-0100"));
  EXPECT_EQ(Find("UK office 020 7946 0958"), One("pii.phone", "020 7946 0958"));
  EXPECT_EQ(Find("mobile 07700 900123"), One("pii.phone", "07700 900123"));
  EXPECT_EQ(Find("Ruf an: +49 30 901820"), One("pii.phone", "+49 30 901820"));
  EXPECT_EQ(Find("Tel. 01 23 45 67 89"), One("pii.phone", "01 23 45 67 89"));
  EXPECT_EQ(Find("phone: 5550100999"), One("pii.phone", "5550100999"));
  EXPECT_EQ(Find("released 2023-01-15, build 20230115"), Found{});
  EXPECT_EQ(Find("order 5550100999 shipped"), Found{});
  EXPECT_EQ(Find("x = 12 + 3456 - 7890"), Found{});
}

TEST(PiiRulesTest, CreditCard) {
  EXPECT_EQ(Find("card 4556 7375 8689 9855 exp 12/27"),
            One("pii.credit_card", "4556 7375 8689 9855"));
  EXPECT_EQ(Find("amex 3714-496353-98431"), Found{});  // Stripe's test Amex, with dashes
  EXPECT_EQ(Find("my card 4111111111111111"), Found{});
  EXPECT_EQ(Find("my card 4556737586899856"), Found{});  // Luhn fails
}

TEST(PiiRulesTest, Iban) {
  EXPECT_EQ(Find("IBAN DE89 3704 0044 0532 0130 00 please"),
            One("pii.iban", "DE89 3704 0044 0532 0130 00"));
  EXPECT_EQ(Find("to GB82WEST12345698765432."), One("pii.iban", "GB82WEST12345698765432"));
  EXPECT_EQ(Find("to GB82WEST12345698765433."), Found{});
}

TEST(PiiRulesTest, UsSsn) {
  EXPECT_EQ(Find("SSN 536-90-4399"), One("pii.us_ssn", "536-90-4399"));
  EXPECT_EQ(Find("my social security number is 536904399"), One("pii.us_ssn", "536904399"));
  EXPECT_EQ(Find("SSN 078-05-1120"), Found{});
  EXPECT_EQ(Find("SSN 666-12-3456"), Found{});
  EXPECT_EQ(Find("ref 536904399"), Found{});
}

TEST(PiiRulesTest, IpAddress) {
  EXPECT_EQ(Find("ssh to 192.168.1.20 now"), One("pii.ip_address", "192.168.1.20"));
  EXPECT_EQ(Find("from 2001:db8:85a3::8a2e:370:7334"),
            One("pii.ip_address", "2001:db8:85a3::8a2e:370:7334"));
  EXPECT_EQ(Find("version 1.2.3.4 and 1.2.3 and 1.2.3.4.5 and 300.1.1.1"), Found{});
  EXPECT_EQ(Find("at 12:30:45 use std::vector"), Found{});
}

TEST(PiiRulesTest, DateOfBirthIsNarrowedToTheDate) {
  EXPECT_EQ(Find("She was born on 2/8/1935."), One("pii.date_of_birth", "2/8/1935"));
  EXPECT_EQ(Find("DOB: 1985-03-12"), One("pii.date_of_birth", "1985-03-12"));
  EXPECT_EQ(Find("date of birth 12 March 1985"), One("pii.date_of_birth", "12 March 1985"));
  EXPECT_EQ(Find("The meeting is on 12/03/2024."), Found{});
}

TEST(PiiRulesTest, NationalIdAndPassport) {
  EXPECT_EQ(Find("ref QQ123456C"), Found{});  // QQ is never issued
  EXPECT_EQ(Find("ref AB123456C"), One("pii.national_id", "AB123456C"));
  EXPECT_EQ(Find("National Insurance number: AB 12 34 56 C"),
            One("pii.national_id", "AB 12 34 56 C"));
  EXPECT_EQ(Find("passport no. X12345678 expires"), One("pii.passport", "X12345678"));
  EXPECT_EQ(Find("driver's license D123-4567-8901"), One("pii.national_id", "D123-4567-8901"));
  EXPECT_EQ(Find("passport renewal costs 130 dollars"), Found{});
}

TEST(PiiRulesTest, PostalAddress) {
  EXPECT_EQ(Find("Ship it to 1600 Amphitheatre Parkway, Mountain View, CA 94043 asap"),
            One("pii.postal_address", "1600 Amphitheatre Parkway, Mountain View, CA 94043"));
  EXPECT_EQ(Find("at 221B Baker Street"), One("pii.postal_address", "221B Baker Street"));
  EXPECT_EQ(Find("au 12 rue de la Paix"), One("pii.postal_address", "12 rue de la Paix"));
  EXPECT_EQ(Find("Hauptstra\xc3\x9f"
                 "e 5, 10115 Berlin"),
            One("pii.postal_address",
                "Hauptstra\xc3\x9f"
                "e 5, 10115 Berlin"));
  EXPECT_EQ(Find("postcode SW1A 1AA"), One("pii.postal_address", "SW1A 1AA"));
  EXPECT_EQ(Find("Chapter 3 The Way"), Found{});
}

TEST(PiiRulesTest, PersonName) {
  EXPECT_EQ(Find("Hi, my name is Jane Doe and"), One("pii.person_name", "Jane Doe"));
  EXPECT_EQ(Find("Dear Priya,"), One("pii.person_name", "Priya"));
  EXPECT_EQ(Find("Refer to Dr. Ana Lopez"), One("pii.person_name", "Ana Lopez"));
  EXPECT_EQ(Find("Kind regards,\nTom O'Brien"), One("pii.person_name", "Tom O'Brien"));
  EXPECT_EQ(Find("I am Groot"), Found{});
  EXPECT_EQ(Find("I'm Going Home"), Found{});
  EXPECT_EQ(Find("I'm Maria Garcia from sales"), One("pii.person_name", "Maria Garcia"));
  EXPECT_EQ(Find("Dear Hiring Manager,"), Found{});
}

}  // namespace
}  // namespace bastion::guard
