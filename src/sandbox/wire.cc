#include "sandbox/wire.h"

namespace bastion::sandbox {

std::string WireReader::Str() {
  if (!status_.ok()) return {};
  auto s = reader_.ReadString32(reader_.remaining());
  if (!s.ok()) {
    status_ = s.status();
    return {};
  }
  return std::string(*s);
}

uint32_t WireReader::Count(size_t min_element_bytes) {
  const uint32_t n = Get<uint32_t>();
  if (status_.ok() && static_cast<uint64_t>(n) * min_element_bytes > reader_.remaining()) {
    status_ = Status::InvalidArgument("offset " + std::to_string(reader_.offset()) +
                                      ": a list of " + std::to_string(n) + " does not fit in the " +
                                      std::to_string(reader_.remaining()) + " bytes left");
    return 0;
  }
  return n;
}

uint8_t WireReader::Enum(uint8_t max, const char* what) {
  const uint8_t v = Get<uint8_t>();
  if (status_.ok() && v > max) {
    status_ = Status::InvalidArgument(std::string(what) + " " + std::to_string(v) +
                                      " is not one this bastion knows");
    return 0;
  }
  return v;
}

Status WireReader::Finish() {
  if (status_.ok() && reader_.remaining() != 0) {
    status_ = Status::InvalidArgument(std::to_string(reader_.remaining()) +
                                      " bytes left over after the message");
  }
  return status_;
}

}  // namespace bastion::sandbox
