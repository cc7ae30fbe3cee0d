#include "guard/validators/secret_value.h"

#include <gtest/gtest.h>

namespace bastion::guard {
namespace {

TEST(SecretValueTest, PlaceholdersAndWords) {
  for (const char* v :
       {"<token>", "${DB_PASSWORD}", "{{ .Values.password }}", "$SECRET", "%s", "********",
        "xxxxxxxxxxxx", "your_api_key_here", "changeme", "sk-...", "password", "P@ssw0rd123!",
        "hunter2", "null", "example", ":password", "$(cat /run/secrets/x)"}) {
    EXPECT_TRUE(IsPlaceholderSecret(v)) << v;
  }
  for (const char* v : {"Tr0ub4dor&3x", "q8ZfR2mLw0XkT7bN", "wJalrXUtnFEMI/K7MDENG"}) {
    EXPECT_FALSE(IsPlaceholderSecret(v)) << v;
  }
}

TEST(SecretValueTest, LooksRandom) {
  EXPECT_TRUE(LooksRandom("q8ZfR2mLw0XkT7bNc4Ye", 3.0));
  EXPECT_FALSE(LooksRandom("abcdefghijklmnop", 3.0));  // one character class
  EXPECT_FALSE(LooksRandom("Aaaaaaa1bbbbbbbb", 2.0));  // runs of five
  EXPECT_FALSE(LooksRandom("ab12ab12ab12ab12", 3.0));  // two bits per byte
}

TEST(SecretValueTest, FormatPrefixes) {
  EXPECT_TRUE(HasFormatPrefix("ghp_abc"));
  EXPECT_TRUE(HasFormatPrefix("AKIAIOSFODNN7EXAMPLE"));
  EXPECT_TRUE(HasFormatPrefix("eyJa.eyJb.c"));
  EXPECT_TRUE(HasFormatPrefix("abc8Q~0123456789012345678901234567890123"));
  EXPECT_TRUE(HasFormatPrefix("sk-" + std::string(48, 'a')));
  EXPECT_FALSE(HasFormatPrefix("sk-" + std::string(32, 'a')));  // other providers' sk- keys
  EXPECT_FALSE(HasFormatPrefix("AKIA"));
  EXPECT_FALSE(HasFormatPrefix("q8ZfR2mLw0XkT7bN"));
}

TEST(SecretValueTest, DatabaseSchemes) {
  EXPECT_TRUE(IsDatabaseScheme("postgres"));
  EXPECT_TRUE(IsDatabaseScheme("MongoDB+SRV"));
  EXPECT_FALSE(IsDatabaseScheme("https"));
}

}  // namespace
}  // namespace bastion::guard
