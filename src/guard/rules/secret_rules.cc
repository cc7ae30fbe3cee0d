// The secrets detector: credentials pasted into prompts or generated in output. Each pattern
// follows the credential's public format documentation; prefix-anchored formats with a fixed
// structure score 1.0, context- and entropy-based ones 0.7-0.9.
//
// Streaming: the stream guard holds back a trailing non-whitespace run plus 64 bytes, so every
// pattern that can span whitespace keeps that part within 64 bytes of the value ("key = "
// contexts use [ \t]{0,4}). The exception is secret.pem_private_key, which spans the whole
// multi-line block; the stream guard holds from "-----BEGIN" to "-----END" for it.
//
// Stripe test-mode keys (sk_test_, rk_test_) reach only test data but are still account
// credentials: reported as their own rule with score 0.5, so policy can treat them apart.
// Publishable keys (pk_live_, pk_test_) are public by design and not reported.

#include <hs/hs.h>

#include "guard/rule.h"
#include "guard/validators/secret_confirm.h"

namespace bastion::guard {
namespace {

constexpr Category kSecret = Category::kSecret;

// "<key> <sep> <quote?>" between a context keyword and its value: optional closing quote (and
// bracket, $config['key']) of the key, up to 4 blanks either side of ':', '=', ':=' or '=>',
// optional opening quote.
#define SECRET_SEP R"(["']?\]?[ \t]{0,4}(:=|=>|:|=)[ \t]{0,4}["'`]?)"

const Rule kRules[] = {
    // AWS access key ids: 4-letter type prefix and 16 base32 characters.
    {"secret.aws_access_key_id", kSecret, R"(\b(AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b)", 0, 1.0,
     ConfirmFormatToken, "AWS_KEY"},
    {"secret.aws_secret_access_key", kSecret,
     R"((aws[ _.-]?secret[ _.-]?(access[ _.-]?)?key|secret[ _]?access[ _]?key)([ \t]{0,2}\[[^\]\r\n]{0,20}\])?)" SECRET_SEP
     R"([A-Za-z0-9/+]{40})",
     HS_FLAG_CASELESS, 0.9, ConfirmAwsSecretKey, "AWS_SECRET"},
    {"secret.aws_session_token", kSecret,
     R"((aws[ _]?session[ _]?token|sessiontoken|security[ _-]?token))" SECRET_SEP
     R"([A-Za-z0-9/+]{40}[A-Za-z0-9/+=]*)",
     HS_FLAG_CASELESS, 0.9, ConfirmAwsSessionToken, "AWS_SESSION_TOKEN"},
    // A service-account key file's "private_key" field: a JSON-escaped PEM.
    {"secret.gcp_service_account_key", kSecret,
     R"("private_key"[ \t]{0,4}:[ \t]{0,4}"-----BEGIN (RSA )?PRIVATE KEY-----(\\n|[A-Za-z0-9+/=])+-----END (RSA )?PRIVATE KEY-----(\\n)?")",
     0, 1.0, ConfirmGcpPrivateKey, "GCP_KEY"},
    {"secret.google_api_key", kSecret, R"(\bAIza[0-9A-Za-z_-]{35})", 0, 1.0, ConfirmFormatToken,
     "GOOGLE_API_KEY"},
    // Storage account keys (64 bytes) and Service Bus / Event Hubs keys (32 bytes), base64.
    {"secret.azure_storage_key", kSecret,
     R"(AccountKey=[A-Za-z0-9+/]{86}==|SharedAccessKey=[A-Za-z0-9+/]{43}=)", 0, 1.0,
     ConfirmAzureKey, "AZURE_KEY"},
    // Shared access signature query strings: signed version and signature.
    {"secret.azure_sas_token", kSecret,
     R"(\bsv=[0-9]{4}-[0-9]{2}-[0-9]{2}&[A-Za-z0-9%&=:._+/-]*sig=[A-Za-z0-9%+/=]{40,}|[?&]sig=[A-Za-z0-9%+/=]{40,}&[A-Za-z0-9%&=:._+/-]*sv=[0-9]{4}-)",
     0, 0.9, ConfirmSasSignature, "AZURE_SAS"},
    // Entra ID (Azure AD) client secrets: 3 characters, a digit, "Q~", 34 more.
    {"secret.azure_client_secret", kSecret, R"(\b[A-Za-z0-9_.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34})",
     0, 0.9, ConfirmFormatToken, "AZURE_SECRET"},
    {"secret.github_token", kSecret,
     R"(\bgh[pousr]_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}\b)", 0, 1.0,
     ConfirmFormatToken, "GITHUB_TOKEN"},
    {"secret.gitlab_token", kSecret,
     R"(\b(glpat|gldt|glrt|glptt|glft|glimt|glcbt|glsoat|gloas)-[A-Za-z0-9_-]{20,}(\.[0-9]{2}\.[A-Za-z0-9]{6,12})?)",
     0, 1.0, ConfirmFormatToken, "GITLAB_TOKEN"},
    {"secret.slack_token", kSecret,
     R"(\bxox[abposrc]-[0-9]{1,16}-[0-9A-Za-z-]{8,}|\bxoxe(\.xox[bp])?-[0-9]-[A-Za-z0-9]{40,})", 0,
     1.0, ConfirmFormatToken, "SLACK_TOKEN"},
    {"secret.slack_webhook", kSecret,
     R"(https://hooks\.slack\.com/services/T[A-Z0-9]{6,12}/B[A-Z0-9]{6,12}/[A-Za-z0-9]{24})", 0,
     1.0, ConfirmFormatToken, "SLACK_WEBHOOK"},
    {"secret.stripe_key", kSecret, R"(\b[sr]k_live_[A-Za-z0-9]{24,}|\bwhsec_[A-Za-z0-9+/=]{32,})",
     0, 1.0, ConfirmFormatToken, "STRIPE_KEY"},
    {"secret.stripe_test_key", kSecret, R"(\b[sr]k_test_[A-Za-z0-9]{24,})", 0, 0.5,
     ConfirmFormatToken, "STRIPE_KEY"},
    // Legacy user keys (sk- and 48) and project, service-account and admin keys.
    {"secret.openai_api_key", kSecret,
     R"(\bsk-[A-Za-z0-9]{48}\b|\bsk-(proj|svcacct|admin)-[A-Za-z0-9_-]{40,})", 0, 1.0,
     ConfirmFormatToken, "OPENAI_KEY"},
    {"secret.anthropic_api_key", kSecret,
     R"(\bsk-ant-(api|admin|sid|oat|ort)[0-9]{2}-[A-Za-z0-9_-]{40,})", 0, 1.0, ConfirmFormatToken,
     "ANTHROPIC_KEY"},
    {"secret.huggingface_token", kSecret, R"(\b(hf|api_org)_[A-Za-z]{34}\b)", 0, 1.0,
     ConfirmFormatToken, "HF_TOKEN"},
    {"secret.npm_token", kSecret, R"(\bnpm_[A-Za-z0-9]{36}\b)", 0, 1.0, ConfirmFormatToken,
     "NPM_TOKEN"},
    // PyPI API tokens are macaroons whose first caveat names pypi.org.
    {"secret.pypi_token", kSecret, R"(\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})", 0, 1.0,
     ConfirmFormatToken, "PYPI_TOKEN"},
    {"secret.sendgrid_api_key", kSecret, R"(\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})", 0, 1.0,
     ConfirmFormatToken, "SENDGRID_KEY"},
    {"secret.jwt", kSecret, R"(\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,})",
     0, 0.95, ConfirmJwt, "JWT"},
    // BEGIN line, optional RFC 1421 / OpenPGP header lines, base64 body (real newlines or JSON
    // "\n" escapes), optional END line. Spans whitespace beyond 64 bytes (see the top).
    {"secret.pem_private_key", kSecret,
     R"(-----BEGIN (RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY( BLOCK)?-----(\s|\\[rn])*([A-Za-z][A-Za-z-]+: [^\r\n\\]+(\r?\n|\\n))*[A-Za-z0-9+/=\s\\]*(-----END (RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY( BLOCK)?-----)?)",
     0, 1.0, ConfirmPemPrivateKey, "PRIVATE_KEY"},
    // scheme://user:password@host[:port]; database schemes are secret.connection_string.
    {"secret.url_credentials", kSecret,
     R"(\b[A-Za-z][A-Za-z0-9+.-]{1,15}://[^\s:/@"'<>]+:[^\s/"'<>]+@[A-Za-z0-9._-]+(:[0-9]{1,5})?)",
     0, 0.9, ConfirmUrlCredentials, "URL_CREDENTIALS"},
    {"secret.connection_string", kSecret,
     R"(\b(postgres(ql)?|mysql|mariadb|mongodb(\+srv)?|rediss?|amqps?|mssql|sqlserver|clickhouse|cockroachdb|couchdb|neo4j(\+s)?|bolt|cassandra|nats|kafka|oracle|db2)://[^\s:/@"'<>]*:[^\s/"'<>]+@[A-Za-z0-9._-]+(:[0-9]{1,5})?)",
     HS_FLAG_CASELESS, 0.95, ConfirmConnectionUrl, "CONNECTION_STRING"},
    // ADO.NET "...;Password=...;" and JDBC "?user=x&password=...".
    {"secret.connection_string_password", kSecret,
     R"(;[ \t]{0,4}(password|pwd)[ \t]{0,4}=[ \t]{0,4}[^;"'\r\n]+|[?&](password|passwd|pwd)=[^&\s"'#]+)",
     HS_FLAG_CASELESS, 0.85, ConfirmConnectionPassword, "CONNECTION_STRING"},
    // The credential's first 16 characters; confirm reads the rest (an unbounded repeat at the
    // end of a pattern makes Vectorscan report, and track the start of, every byte of it).
    {"secret.authorization_header", kSecret,
     R"(authorization["']?[ \t]{0,4}[:=][ \t]{0,4}["']?(bearer|basic|token|apikey)[ \t]{1,4}[A-Za-z0-9._~+/=-]{16})",
     HS_FLAG_CASELESS, 0.85, ConfirmAuthorizationHeader, "SECRET"},
    // password/secret/token/api_key/... = value, and --password value on command lines. A bare
    // "auth" key takes no suffix: "auth..." words are everywhere in code, and the suffix states
    // they would wake cost a third of the rule's scanning speed.
    {"secret.generic_assignment", kSecret,
     R"((passw(or)?d|[_.-]pass|pwd|secret|token|api[_-]?key|access[_-]?key|auth[_-]?key)[A-Za-z0-9_.-]{0,24})" SECRET_SEP
     R"([^\s"'`]{8,}|\bauth)" SECRET_SEP
     R"([^\s"'`]{8,}|--[A-Za-z-]{0,20}(password|passwd|pass|token|secret|api-key)[ ]["']?[^\s"'`-][^\s"'`]{7,})",
     HS_FLAG_CASELESS, 0.8, ConfirmSecretAssignment, "SECRET"},
};

#undef SECRET_SEP

}  // namespace

const std::vector<Rule>& SecretRules() {
  static const std::vector<Rule> rules(std::begin(kRules), std::end(kRules));
  return rules;
}

}  // namespace bastion::guard
