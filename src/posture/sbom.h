#pragma once
// A CycloneDX 1.5 JSON bill of materials: bastion as the application, every linked library as
// a component with a package URL (pkg:generic/NAME@VERSION), and bastion depending on each.

#include <string>
#include <vector>

#include "posture/components.h"

namespace bastion::posture {

// `timestamp` is RFC 3339 UTC; `serial` a UUID (urn:uuid:...).
std::string CycloneDxJson(const std::vector<Component>& components, const std::string& timestamp,
                          const std::string& serial);

// A random (version 4) UUID as "urn:uuid:xxxxxxxx-...".
std::string RandomSerialNumber();

}  // namespace bastion::posture
