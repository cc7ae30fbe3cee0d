#pragma once
// Whether a caller may create a key with a given spec. A key never carries more rights than
// its creator: no permission the creator's role lacks, no model outside the creator's
// models, no limit looser than the creator's, no expiry later than the creator's.

#include "auth/identity.h"
#include "auth/keys/key_record.h"
#include "common/status.h"

namespace bastion::auth {

// The spec itself: a name, sane model names (no commas or control characters), limits >= 0.
Status ValidateKeySpec(const KeySpec& spec);
// PermissionDenied, naming the right the creator lacks.
Status CheckGrant(const Identity& creator, const KeySpec& spec);

}  // namespace bastion::auth
