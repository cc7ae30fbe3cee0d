#include "posture/sbom.h"

#include <openssl/rand.h>

#include <cstdio>

#include "common/json_writer.h"
#include "common/version.h"

namespace bastion::posture {
namespace {

void WriteComponent(JsonWriter& w, std::string_view type, const std::string& name,
                    const std::string& version) {
  const std::string purl = "pkg:generic/" + name + "@" + version;
  w.BeginObject().Key("type").String(type).Key("bom-ref").String(purl);
  w.Key("name").String(name).Key("version").String(version).Key("purl").String(purl);
  w.EndObject();
}

}  // namespace

std::string CycloneDxJson(const std::vector<Component>& components, const std::string& timestamp,
                          const std::string& serial) {
  const std::string self = "pkg:generic/bastion@" + std::string(kVersion);
  JsonWriter w;
  w.BeginObject().Key("bomFormat").String("CycloneDX").Key("specVersion").String("1.5");
  w.Key("serialNumber").String(serial).Key("version").Int(1);
  w.Key("metadata").BeginObject().Key("timestamp").String(timestamp).Key("component");
  WriteComponent(w, "application", "bastion", kVersion);
  w.EndObject();
  w.Key("components").BeginArray();
  for (const Component& c : components) WriteComponent(w, "library", c.name, c.version);
  w.EndArray();
  w.Key("dependencies").BeginArray().BeginObject().Key("ref").String(self);
  w.Key("dependsOn").BeginArray();
  for (const Component& c : components) w.String("pkg:generic/" + c.name + "@" + c.version);
  w.EndArray().EndObject().EndArray();
  w.EndObject();
  return w.Take();
}

std::string RandomSerialNumber() {
  unsigned char b[16] = {};
  if (RAND_bytes(b, sizeof b) != 1) return "urn:uuid:00000000-0000-4000-8000-000000000000";
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  char out[48];
  std::snprintf(out, sizeof out,
                "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
                b[13], b[14], b[15]);
  return out;
}

}  // namespace bastion::posture
