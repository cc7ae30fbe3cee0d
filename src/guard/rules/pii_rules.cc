// The PII detector's rules. Structured values (cards, IBANs, SSNs, addresses of machines) are
// matched by shape and confirmed by checksum or range; values that are only PII in context
// (dates of birth, ID and passport numbers, person names) are matched together with their
// context word, and confirm narrows the finding to the value itself.
//
// Scores: 1.0 checksum-validated, 0.9 strongly structured, 0.6-0.8 context-based.

#include <hs/hs.h>

#include "guard/rule.h"
#include "guard/rules/pii_confirm.h"

namespace bastion::guard {
namespace {

#define PII_MONTH                                                                              \
  "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"           \
  "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|januar|februar|m\\xc3\\xa4rz|" \
  "mai|juni|juli|oktober|dezember|janvier|f\\xc3\\xa9vrier|mars|avril|juin|juillet|"           \
  "ao\\xc3\\xbbt|septembre|octobre|novembre|d\\xc3\\xa9cembre)"

#define PII_STREET_SUFFIX                                                                  \
  "(?:Street|Avenue|Road|Boulevard|Lane|Drive|Court|Place|Parkway|Terrace|Square|Highway|" \
  "Circle|Close|Crescent|Alley|Trail|Plaza|Gardens|Grove|Mews|Way|Row|Walk|Loop|"          \
  "(?:St|Ave|Rd|Blvd|Ln|Dr|Ct|Pl|Pkwy|Ter|Sq|Hwy|Cir|Cres)\\b\\.?)"

// '@', dot-separated domain labels, alphabetic top-level domain; confirm extends the match left
// over the local part (a pattern that began with the local part's character class could start
// at every letter, and tracking its start of match costs a scan speed ten times lower).
// The local part's last byte, '@', a label, '.' and a letter: ConfirmEmail reads the rest of
// the domain forward and the local part backwards (unbounded repeats are matched, and their
// start tracked, at every byte they cover; a lone '@' literal slowed the whole set by a third).
constexpr std::string_view kEmail = R"([A-Za-z0-9._%+\-]@[A-Za-z0-9\-]+\.[A-Za-z])";

// E.164 with separators; US (415) 555-0100 / 415-555-0100 / 415.555.0100 / 415 555 0100;
// national numbers with a trunk 0 (UK, DE, FR groupings); any digit run after a phone word
// (the match ends at its first digit; ConfirmPhone reads the rest, `[\d \-.()]{4,18}\d`).
constexpr std::string_view kPhone =
    R"(\+[1-9][0-9 ().\-]{6,22}[0-9])"
    R"(|\(\d{2,5}\)[ \-.]?\d{2,4}[ \-.]?\d{3,4}\b)"
    R"(|\b(?:1[ \-.])?\d{3}[\-.]\d{3}[\-.]\d{4}\b)"
    R"(|\b\d{3} \d{3} \d{4}\b)"
    R"(|\b0\d{1,4}(?:[ \-./]\d{2,8}){1,4}\b)"
    R"(|\b(?i:phone|telephone|tel|mobile|cell|cellphone|fax|whatsapp|call)"
    R"(|reach (?:me|us) at|text me at|dial)\b[^\d\n+()]{0,16}[+(]?\d)";

// 12-19 digits in optional space or dash groups, from a card network's first digit.
constexpr std::string_view kCard = R"(\b[1-6]\d{3}(?:[ \-]?\d){8,15}\b)";

// Country, check digits, BBAN in optional groups of four.
// Country, check digits and the first two BBAN groups; ConfirmIban reads the rest of the
// BBAN (groups of four, optionally one space apart) up to the country's IBAN length.
constexpr std::string_view kIban = R"(\b[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{4}){2})";

constexpr std::string_view kUsSsn =
    R"(\b\d{3}[\- ]\d{2}[\- ]\d{4}\b)"
    R"(|\b(?i:ssn|ss#|social security(?: number| no\.?| #)?)[^\d\n]{0,12}\d{9}\b)";

// IPv4 as four dot-separated 1-3 digit groups (ConfirmIpAddress checks the ranges); IPv6
// from its first ':' (two to seven colons), which confirm extends back over the first group.
constexpr std::string_view kIpAddress = R"(\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b)"
                                        R"(|:[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){1,6})";

// Compiled caseless.
constexpr std::string_view kDateOfBirth =
    R"(\b(?:born|birth|dob|d\.o\.b\.?|birthday|birthdate|geboren|geb\.|naissance|nacimiento)"
    R"(|n\xc3\xa9e? (?:le|en)|nato il|nata il)[^\n!?]{0,30})"
    R"((?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})\b|\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}\b)"
    R"(|\d{1,2}(?:st|nd|rd|th)?\.?,? (?:of )?)" PII_MONTH R"(\.?,? \d{4}\b)"
    R"(|)" PII_MONTH R"(\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}\b))";

// A context word and the ID's first digit (ConfirmNationalId reads the rest), or a UK NINO.
constexpr std::string_view kNationalId =
    R"(\b(?i:national id(?:entity)?(?: card)?(?: number| no\.?| #)?|id (?:number|no\.?|#))"
    R"(|identity (?:card|number|document)(?: number| no\.?)?|personalausweis(?:nummer)?)"
    R"(|ausweisnummer|national insurance(?: number| no\.?)?|nino|ni number)"
    R"(|driver'?s? licen[cs]e(?: number| no\.?| #)?|driving licen[cs]e(?: number| no\.?)?)"
    R"(|licen[cs]e (?:number|no\.?)|tax id|tax identification number|steuer-?id)"
    R"(|steueridentifikationsnummer|aadhaar(?: number| no\.?)?|dni|nie|nif|codice fiscale)"
    R"(|bsn|pesel|nhs number|social insurance number|sin|carte d'identit\xc3\xa9))"
    R"([^\n\d]{0,20}\d)"
    R"(|\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b)";

constexpr std::string_view kPassport =
    R"(\b(?i:passport|reisepass|passeport|pasaporte)[^\n\d]{0,24}\d[A-Za-z0-9]{3,12}\b)";

// US/UK street addresses with optional unit, city, state, ZIP or postcode; French "12 rue de
// la Paix"; German, Dutch and Nordic "Hauptstraße 5"; postcodes after a postcode word.
// Each alternative starts at or next to its literal (" Street", "5 rue " or "bis rue ",
// "straße 5", "zip"):
// ConfirmPostalAddress reads the house number and street words before it backwards, and the
// code after a postcode word forward (a pattern starting at every digit, or with blank runs
// before the code, with start-of-match tracking scanned at ~150 MB/s).
constexpr std::string_view kPostalAddress =
    R"( )" PII_STREET_SUFFIX R"(|[\dsr],? (?:rue|avenue|boulevard|bd|place|all\xc3\xa9e|chemin)"
    R"(|impasse|quai|cours|route) (?:(?:de la|du|des|de|la|le|les) |de l'|d')?)"
    R"([A-Z][A-Za-z'\-]+(?: [A-Z][A-Za-z'\-]+){0,3}(?:, \d{5} [A-Z][A-Za-z\-]+)?)"
    R"(|(?:stra(?:ss|\xc3\x9f)e|str\.|weg|gasse|allee)"
    R"(|platz|damm|straat|laan|plein|gracht|veien|vegen|gata|gatan|vej|gade) )"
    R"(\d{1,4}[a-z]?\b(?:, \d{4,5} [A-Z][a-z]+)?)"
    R"(|\b(?i:zip(?: ?code)?|post ?code|postal code|plz)\b)";

// Cues after which one capitalised word is a name; cues that need two (so "I am Groot" and
// "I'm Going" are not names); titles.
// Only the cue and the byte after it (a blank, or the name's first letter): literal-led
// alternatives scan at several GB/s, where a blank run before a capital letter with
// start-of-match tracking scanned at ~200 MB/s. ConfirmPersonName skips the blanks (one line
// break allowed), checks the capital and reads the name forward.
constexpr std::string_view kPersonName =
    R"(\b(?i:my name is|my name's|name is|names?:|full name:|patient(?: name)?:|client:)"
    R"(|(?:with|under) (?:the )?name|(?:last|first|family|sur) ?name(?: is|:|\?))"
    R"(|name on the (?:account|card)(?: is|:|\?)|customer:|contact:|employee:|dear|hello)"
    R"(|signed,|regards,|sincerely,|cheers,|best,|thanks,|yours truly,)[ \t\r\nA-Z\xc3-\xc5])"
    R"(|\b(?i:hi)[ \t\r\n])"
    R"(|\b(?i:i am|i'm|i\xe2\x80\x99m|this is|called|named|speak (?:to|with))"
    R"(|spoke (?:to|with)|ask for|follow up with)[ \t])"
    R"(|\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Herr|Frau|Mme|Mlle)\.? [A-Z\xc3-\xc5])";

}  // namespace

const std::vector<Rule>& PiiRules() {
  static const std::vector<Rule> rules = {
      {"pii.email", Category::kPii, kEmail, 0, 0.9, ConfirmEmail, "EMAIL"},
      {"pii.phone", Category::kPii, kPhone, 0, 0.8, ConfirmPhone, "PHONE", TextForm::kRaw, true},
      {"pii.credit_card", Category::kPii, kCard, 0, 1.0, ConfirmCard, "CARD", TextForm::kRaw, true},
      {"pii.iban", Category::kPii, kIban, 0, 1.0, ConfirmIban, "IBAN", TextForm::kRaw, true},
      {"pii.us_ssn", Category::kPii, kUsSsn, 0, 0.9, ConfirmUsSsn, "SSN", TextForm::kRaw, true},
      {"pii.ip_address", Category::kPii, kIpAddress, 0, 0.9, ConfirmIpAddress, "IP", TextForm::kRaw,
       true},
      {"pii.date_of_birth", Category::kPii, kDateOfBirth, HS_FLAG_CASELESS, 0.8, ConfirmDateOfBirth,
       "DOB"},
      {"pii.national_id", Category::kPii, kNationalId, 0, 0.7, ConfirmNationalId, "ID"},
      {"pii.passport", Category::kPii, kPassport, 0, 0.8, ConfirmPassport, "PASSPORT"},
      {"pii.postal_address", Category::kPii, kPostalAddress, 0, 0.7, ConfirmPostalAddress,
       "ADDRESS"},
      {"pii.person_name", Category::kPii, kPersonName, 0, 0.6, ConfirmPersonName, "NAME"},
  };
  return rules;
}

}  // namespace bastion::guard
