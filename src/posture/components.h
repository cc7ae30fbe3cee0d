#pragma once
// The third-party libraries bastion is built with and runs on, with their versions, so that
// operators can match them against security advisories (`bastion version --sbom`, doctor).
// Libraries with a version call report the version actually loaded at run time; the others
// (header-only ones, and a few shared ones without such a call) the headers' version.

#include <string>
#include <vector>

namespace bastion::posture {

struct Component {
  std::string name;     // upstream project name, e.g. "openssl"
  std::string version;  // e.g. "3.0.15"
  bool runtime = true;  // version read from the loaded library, not from headers
};

// Every linked library, in a stable order.
std::vector<Component> LinkedComponents();

}  // namespace bastion::posture
