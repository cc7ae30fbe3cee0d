#include "model/intake/content_check.h"

#include <string>

#include "model/intake/format_checks.h"
#include "model/pickle/npy_header.h"
#include "model/pickle/pickle_scan.h"
#include "model/zip/zip_archive.h"
#include "model/zip/zip_entry_contents.h"

namespace bastion::model {
namespace {

constexpr int kMaxArchiveDepth = 4;                        // a zip in a zip in a zip ...
constexpr uint64_t kMaxInflatedEntry = uint64_t{1} << 30;  // a deflated entry held to scan it

void Append(std::vector<Finding>& findings, std::vector<Finding> more) {
  for (Finding& f : more) findings.push_back(std::move(f));
}

// Text or unknown bytes may still be a protocol 0 or 1 pickle (those have no magic number),
// and torch.load opens any file name. They count as one only if the walk finds something
// executable: a README is not a pickle because its first byte is an unknown opcode.
bool AdoptPickleFindings(std::span<const uint8_t> bytes, std::vector<Finding>& findings) {
  std::vector<Finding> scan = ScanPickle(bytes);
  bool executable = false;
  for (const Finding& f : scan) {
    executable = executable || f.rule == "pickle.dangerous_import" ||
                 f.rule == "pickle.unknown_import" || f.rule == "pickle.unresolved_import" ||
                 f.rule == "pickle.extension_registry" || f.rule == "pickle.global_mutation";
  }
  if (executable) Append(findings, std::move(scan));
  return executable;
}

// Every entry of an archive judged by its own bytes; the reader's findings come first.
Status CheckZip(std::span<const uint8_t> bytes, std::vector<Finding>& findings, int depth) {
  if (depth >= kMaxArchiveDepth) {
    findings.push_back({Severity::kHigh, "zip.nested_too_deep",
                        "an archive nested " + std::to_string(depth) + " deep is not opened"});
    return Status::Ok();
  }
  auto archive = ReadZip(bytes);
  if (!archive.ok()) return archive.status();
  Append(findings, archive->findings);
  for (const ZipEntry& e : archive->entries) {
    if (!e.readable) continue;                  // the reader made a high finding for it
    std::span<const uint8_t> contents = e.raw;  // stored: checked by ReadZip, used in place
    Result<ZipEntryContents> inflated = ZipEntryContents::View({});
    if (!e.stored()) {
      inflated = ReadEntryContents(e, kMaxInflatedEntry);
      if (!inflated.ok()) {
        findings.push_back({Severity::kHigh, "zip.entry_not_inspected",
                            e.name + ": " + inflated.status().message()});
        continue;
      }
      contents = inflated->bytes();
    }
    std::vector<Finding> inner;
    const FileFormat format = SniffFormat(contents, FileNameOf(e.name));
    Status st = CheckContents(contents, format, FileNameOf(e.name), inner, depth + 1);
    if (!st.ok()) {
      inner.push_back(
          {Severity::kHigh, "zip.entry_unparsable",
           std::string(FileFormatName(format)) + " that cannot be parsed: " + st.message()});
    }
    for (Finding& f : inner) {
      if (f.rule == "file.not_inspected") continue;  // tensor storages: thousands of them
      f.detail = e.name + ": " + f.detail;
      findings.push_back(std::move(f));
    }
  }
  return Status::Ok();
}

}  // namespace

Status CheckContents(std::span<const uint8_t> bytes, FileFormat format, std::string_view name,
                     std::vector<Finding>& findings, int depth) {
  switch (format) {
    case FileFormat::kSafetensors:
      return CheckSafetensors(bytes, findings);
    case FileFormat::kGguf:
      return CheckGguf(bytes, findings);
    case FileFormat::kJson:
      return CheckJson(bytes, name, findings);
    case FileFormat::kZip:
      return CheckZip(bytes, findings, depth);
    case FileFormat::kPickle:
      Append(findings, ScanPickle(bytes));
      return Status::Ok();
    case FileFormat::kNpy:
      Append(findings, ScanNpy(bytes));
      return Status::Ok();
    case FileFormat::kPythonSource:
      findings.push_back({Severity::kHigh, "remote_code.python",
                          "Python code: what trust_remote_code would import and run"});
      return Status::Ok();
    case FileFormat::kScript:
      findings.push_back({Severity::kHigh, "remote_code.script", "an executable script"});
      return Status::Ok();
    case FileFormat::kNativeCode:
      findings.push_back({Severity::kHigh, "remote_code.native",
                          "a native executable or shared library (ELF, Mach-O or PE)"});
      return Status::Ok();
    case FileFormat::kHdf5:
      findings.push_back({Severity::kMedium, "hdf5.not_inspected",
                          "an HDF5 (Keras) model: its Lambda layers run code when Keras loads "
                          "it, and bastion does not inspect HDF5"});
      return Status::Ok();
    case FileFormat::kUnknownBinary:
      if (AdoptPickleFindings(bytes, findings)) return Status::Ok();
      findings.push_back({Severity::kInfo, "file.not_inspected",
                          "not a format bastion inspects (it is never loaded as a model)"});
      return Status::Ok();
    case FileFormat::kText:
      AdoptPickleFindings(bytes, findings);
      return Status::Ok();
    case FileFormat::kEmpty:
      return Status::Ok();
  }
  return Status::Ok();
}

}  // namespace bastion::model
