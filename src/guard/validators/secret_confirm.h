#pragma once
// Confirm functions of the secrets detector's rules (rules/secret_rules.cc): each checks a
// raw match's structure or randomness and narrows it to the credential itself, so redaction
// keeps the surrounding key names, URLs and JSON intact. See guard/rule.h for the contract.

#include <optional>
#include <string_view>

#include "guard/rule.h"

namespace bastion::guard {

// Prefix-anchored tokens (ghp_..., xoxb-..., AKIA...): random after all, not "xxxx" filler,
// not glued to more letters.
std::optional<Span> ConfirmFormatToken(std::string_view text, Span candidate);
// "aws_secret_access_key = <40 base64>": the 40 characters.
std::optional<Span> ConfirmAwsSecretKey(std::string_view text, Span candidate);
// "aws_session_token = <base64>": the token, at least 100 characters.
std::optional<Span> ConfirmAwsSessionToken(std::string_view text, Span candidate);
// AccountKey=/SharedAccessKey= in an Azure connection string: the key.
std::optional<Span> ConfirmAzureKey(std::string_view text, Span candidate);
// An Azure SAS query string: the sig= value.
std::optional<Span> ConfirmSasSignature(std::string_view text, Span candidate);
// A service-account JSON "private_key" field: the escaped PEM inside the quotes.
std::optional<Span> ConfirmGcpPrivateKey(std::string_view text, Span candidate);
// A PEM private key: BEGIN through END, or through the last base64 line when END is missing.
std::optional<Span> ConfirmPemPrivateKey(std::string_view text, Span candidate);
// header.payload.signature whose first two parts decode to JSON objects.
std::optional<Span> ConfirmJwt(std::string_view text, Span candidate);
// scheme://user:password@host[:port] with a real password; non-database schemes only.
std::optional<Span> ConfirmUrlCredentials(std::string_view text, Span candidate);
// The same for database schemes (postgres://, mongodb+srv://, ...).
std::optional<Span> ConfirmConnectionUrl(std::string_view text, Span candidate);
// ";Password=..." (ADO.NET) or "&password=..." (JDBC query): the value.
std::optional<Span> ConfirmConnectionPassword(std::string_view text, Span candidate);
// "Authorization: Bearer|Basic|Token <credential>": the credential.
std::optional<Span> ConfirmAuthorizationHeader(std::string_view text, Span candidate);
// "<password|secret|token|api_key|...> = <value>": the value, when it is not code, a
// placeholder or a word, and random enough.
std::optional<Span> ConfirmSecretAssignment(std::string_view text, Span candidate);

}  // namespace bastion::guard
