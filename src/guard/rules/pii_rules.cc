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

// A capital letter; Latin-1 and Latin Extended-A capitals in UTF-8 count (Šárka, Ľubica).
#define PII_NAME_UPPER "(?:[A-Z]|\\xc3[\\x80-\\x9e]|[\\xc4\\xc5][\\x80-\\xbf])"
#define PII_STREET_SUFFIX                                                                  \
  "(?:Street|Avenue|Road|Boulevard|Lane|Drive|Court|Place|Parkway|Terrace|Square|Highway|" \
  "Circle|Close|Crescent|Alley|Trail|Plaza|Gardens|Grove|Mews|Way|Row|Walk|Loop|"          \
  "(?:St|Ave|Rd|Blvd|Ln|Dr|Ct|Pl|Pkwy|Ter|Sq|Hwy|Cir|Cres)\\b\\.?)"

// '@', dot-separated domain labels, alphabetic top-level domain; confirm extends the match left
// over the local part (a pattern that began with the local part's character class could start
// at every letter, and tracking its start of match costs a scan speed ten times lower).
constexpr std::string_view kEmail = R"(@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}\b)";

// E.164 with separators; US (415) 555-0100 / 415-555-0100 / 415.555.0100 / 415 555 0100;
// national numbers with a trunk 0 (UK, DE, FR groupings); any digit run after a phone word.
constexpr std::string_view kPhone =
    R"(\+[1-9][0-9 ().\-]{6,22}[0-9])"
    R"(|\(\d{2,5}\)[ \-.]?\d{2,4}[ \-.]?\d{3,4}\b)"
    R"(|\b(?:1[ \-.])?\d{3}[\-.]\d{3}[\-.]\d{4}\b)"
    R"(|\b\d{3} \d{3} \d{4}\b)"
    R"(|\b0\d{1,4}(?:[ \-./]\d{2,8}){1,4}\b)"
    R"(|\b(?i:phone|telephone|tel|mobile|cell|cellphone|fax|whatsapp|call(?: me)?(?: at| on)?)"
    R"(|reach (?:me|us) at|text me at|dial)\b[^\d\n+()]{0,16}[+(]?\d[\d \-.()]{4,18}\d)";

// 12-19 digits in optional space or dash groups, from a card network's first digit.
constexpr std::string_view kCard = R"(\b[1-6]\d{3}(?:[ \-]?\d){8,15}\b)";

// Country, check digits, BBAN in optional groups of four.
constexpr std::string_view kIban =
    R"(\b[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,4})?\b)";

constexpr std::string_view kUsSsn =
    R"(\b\d{3}[\- ]\d{2}[\- ]\d{4}\b)"
    R"(|\b(?i:ssn|ss#|social security(?: number| no\.?| #)?)[^\d\n]{0,12}\d{9}\b)";

constexpr std::string_view kIpAddress =
    R"(\b(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\b)"
    R"(|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})";

// Compiled caseless.
constexpr std::string_view kDateOfBirth =
    R"(\b(?:born|birth|dob|d\.o\.b\.?|birthday|birthdate|geboren|geb\.|naissance|nacimiento)"
    R"(|n\xc3\xa9e? (?:le|en)|nato il|nata il)[^\n!?]{0,30})"
    R"((?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})\b|\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}\b)"
    R"(|\d{1,2}(?:st|nd|rd|th)?\.?,? (?:of )?)" PII_MONTH R"(\.?,? \d{4}\b)"
    R"(|)" PII_MONTH R"(\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}\b))";

constexpr std::string_view kNationalId =
    R"(\b(?i:national id(?:entity)?(?: card)?(?: number| no\.?| #)?|id (?:number|no\.?|#))"
    R"(|identity (?:card|number|document)(?: number| no\.?)?|personalausweis(?:nummer)?)"
    R"(|ausweisnummer|national insurance(?: number| no\.?)?|nino|ni number)"
    R"(|driver'?s? licen[cs]e(?: number| no\.?| #)?|driving licen[cs]e(?: number| no\.?)?)"
    R"(|licen[cs]e (?:number|no\.?)|tax id|tax identification number|steuer-?id)"
    R"(|steueridentifikationsnummer|aadhaar(?: number| no\.?)?|dni|nie|nif|codice fiscale)"
    R"(|bsn|pesel|nhs number|social insurance number|sin|carte d'identit\xc3\xa9))"
    R"([^\n\d]{0,20}\d[A-Za-z0-9]{1,15}(?:[ \-][A-Za-z0-9]{1,8}){0,4})"
    R"(|\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b)";

constexpr std::string_view kPassport =
    R"(\b(?i:passport|reisepass|passeport|pasaporte)[^\n\d]{0,24}\d[A-Za-z0-9]{3,12}\b)";

// US/UK street addresses with optional unit, city, state, ZIP or postcode; French "12 rue de
// la Paix"; German, Dutch and Nordic "Hauptstraße 5"; postcodes after a postcode word.
constexpr std::string_view kPostalAddress =
    R"(\b\d{1,5}[A-Za-z]? (?:(?:[A-Z][A-Za-z'\-]{0,24}\.?|[NSEW]|\d{1,3}(?:st|nd|rd|th)) ){1,4})" PII_STREET_SUFFIX
    R"(|\b\d{1,4}(?: ?(?:bis|ter))?,? (?:rue|avenue|boulevard|bd|place|all\xc3\xa9e|chemin)"
    R"(|impasse|quai|cours|route) (?:(?:de la|du|des|de|la|le|les) |de l'|d')?)"
    R"([A-Z][A-Za-z'\-]+(?: [A-Z][A-Za-z'\-]+){0,3}(?:, \d{5} [A-Z][A-Za-z\-]+)?)"
    R"(|\b[A-Z](?:[a-z]|\xc3[\xa4\xb6\xbc\x9f])+(?:stra(?:ss|\xc3\x9f)e|str\.|weg|gasse|allee)"
    R"(|platz|damm|straat|laan|plein|gracht|veien|vegen|gata|gatan|vej|gade) )"
    R"(\d{1,4}[a-z]?\b(?:, \d{4,5} [A-Z][a-z]+)?)"
    R"(|\b(?i:zip(?: ?code)?|post ?code|postal code|plz)(?:[ \t]*(?:is|:|#))?[ \t]*)"
    R"((?:[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|\d{5}(?:-\d{4})?)\b)";

// Cues after which one capitalised word is a name; cues that need two (so "I am Groot" and
// "I'm Going" are not names); titles.
// Only the cue and the name's first capital letter: the pattern stays short (a long name
// pattern with start-of-match tracking cost seconds to compile and scanned at ~90 MB/s), and
// ConfirmPersonName reads the name forward from that letter.
constexpr std::string_view kPersonName =
    R"(\b(?i:my name is|my name's|name is|names?:|full name:|patient(?: name)?:|client:)"
    R"(|(?:with|under) (?:the )?name|(?:last|first|family|sur) ?name(?: is|:|\?)|name on the (?:account|card)(?: is|:|\?))"
    R"(|customer:|contact:|employee:|dear|hi|hello|signed,|regards,|sincerely,|cheers,)"
    R"(|best,|thanks,|yours truly,)[ \t]*\r?\n?[ \t]*)" PII_NAME_UPPER
    R"(|\b(?i:i am|i'm|i\xe2\x80\x99m|this is|called|named|speak (?:to|with))"
    R"(|spoke (?:to|with)|ask for|follow up with)[ \t]+)" PII_NAME_UPPER
    R"(|\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Herr|Frau|Mme|Mlle)\.? )" PII_NAME_UPPER;

}  // namespace

const std::vector<Rule>& PiiRules() {
  static const std::vector<Rule> rules = {
      {"pii.email", Category::kPii, kEmail, 0, 0.9, ConfirmEmail, "EMAIL"},
      {"pii.phone", Category::kPii, kPhone, 0, 0.8, ConfirmPhone, "PHONE"},
      {"pii.credit_card", Category::kPii, kCard, 0, 1.0, ConfirmCard, "CARD"},
      {"pii.iban", Category::kPii, kIban, 0, 1.0, ConfirmIban, "IBAN"},
      {"pii.us_ssn", Category::kPii, kUsSsn, 0, 0.9, ConfirmUsSsn, "SSN"},
      {"pii.ip_address", Category::kPii, kIpAddress, 0, 0.9, ConfirmIpAddress, "IP"},
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
