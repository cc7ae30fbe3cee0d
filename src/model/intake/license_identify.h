#pragma once
// bastion license: which DeepSeek release a model file or folder is, and so under which
// licence it may be served. Evidence, strongest first: names (config.json _name_or_path, GGUF
// general.* keys, the model card's front matter, the folder's own name, a Hugging Face cache
// folder's repo), then the shape (architecture, hidden size, layers). Licences the files
// declare (a LICENSE text, the model card's `license:`, GGUF general.license) are reported
// beside the catalogue's, with a caveat when they disagree; a GGUF's licence key was written by
// whoever converted the file, so on its own it proves nothing.

#include <string>
#include <vector>

#include "common/status.h"
#include "model/intake/license_catalog.h"

namespace bastion::model {

struct LicenseEvidence {
  std::string source;  // "config.json _name_or_path", "gguf general.name", "LICENSE", ...
  std::string value;
};

struct LicenseReport {
  const Release* release = nullptr;     // null: not identified
  std::string identified_by;            // "name", "shape" or "" when not identified
  std::vector<std::string> candidates;  // releases the evidence leaves open, when several
  std::vector<LicenseEvidence> evidence;
  std::vector<LicenseEvidence> declared;  // licences the files state (source, licence)
  std::vector<std::string> caveats;
};

// `path`: a GGUF file or a model folder. NotFound when it does not exist.
Result<LicenseReport> IdentifyLicense(const std::string& path);

}  // namespace bastion::model
