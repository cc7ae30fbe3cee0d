// What the audit trail reads from untrusted bytes: request bodies and response events (the
// texts it digests), purge events read back from a store, and sealed content handed to
// `audit decrypt`. Checks that sealing round-trips and that nothing but the right key opens it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "audit/content_box.h"
#include "audit/purge_event.h"
#include "gateway/filters/audit/audit_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bastion;
  std::string bytes(reinterpret_cast<const char*>(data), size);
  (void)gateway::PromptText(gateway::InferenceKind::kChat, bytes);
  (void)gateway::PromptText(gateway::InferenceKind::kCompletion, bytes);
  std::string answer, finish;
  gateway::AppendAnswerText(bytes, answer, finish);
  if (answer.size() > bytes.size()) std::abort();  // texts come from the input, unescaped
  (void)audit::ParsePurgeAnchor(bytes);

  static const audit::AuditorKeyPair kAuditor = audit::MakeAuditorKeyPair();
  static const audit::AuditorKeyPair kOther = audit::MakeAuditorKeyPair();
  (void)audit::Unseal(kAuditor.public_key, kAuditor.secret_key, bytes);
  (void)audit::Unseal(kAuditor.public_key, kAuditor.secret_key, "sealed:v1:" + bytes);
  std::string sealed = audit::Seal(kAuditor.public_key, bytes);
  auto opened = audit::Unseal(kAuditor.public_key, kAuditor.secret_key, sealed);
  if (!opened.ok() || *opened != bytes) std::abort();
  if (audit::Unseal(kOther.public_key, kOther.secret_key, sealed).ok()) std::abort();
  return 0;
}
