#pragma once
// The ZIP format's fixed numbers (PKWARE APPNOTE 6.3.x): record signatures, record sizes,
// general-purpose flag bits and compression methods. Internal to model/zip.

#include <cstdint>

namespace bastion::model::zip {

inline constexpr uint32_t kLocalHeaderSignature = 0x04034b50;     // "PK\3\4"
inline constexpr uint32_t kCentralHeaderSignature = 0x02014b50;   // "PK\1\2"
inline constexpr uint32_t kEndRecordSignature = 0x06054b50;       // "PK\5\6"
inline constexpr uint32_t kZip64EndRecordSignature = 0x06064b50;  // "PK\6\6"
inline constexpr uint32_t kZip64LocatorSignature = 0x07064b50;    // "PK\6\7"
inline constexpr uint32_t kDataDescriptorSignature = 0x08074b50;  // "PK\7\8"

inline constexpr uint64_t kLocalHeaderSize = 30;
inline constexpr uint64_t kCentralHeaderSize = 46;
inline constexpr uint64_t kEndRecordSize = 22;
inline constexpr uint64_t kZip64EndRecordSize = 56;  // without its extensible data
inline constexpr uint64_t kZip64LocatorSize = 20;
inline constexpr uint64_t kMaxCommentSize = 0xFFFF;

inline constexpr uint16_t kZip64ExtraId = 0x0001;
inline constexpr uint16_t kSentinel16 = 0xFFFF;
inline constexpr uint32_t kSentinel32 = 0xFFFFFFFF;

// General-purpose flag bits.
inline constexpr uint16_t kFlagEncrypted = 1u << 0;
inline constexpr uint16_t kFlagDataDescriptor = 1u << 3;
inline constexpr uint16_t kFlagPatchData = 1u << 5;
inline constexpr uint16_t kFlagStrongEncryption = 1u << 6;
inline constexpr uint16_t kFlagMaskedHeaders = 1u << 13;  // central directory encryption

inline constexpr uint16_t kMethodStored = 0;
inline constexpr uint16_t kMethodDeflate = 8;

// Deflate cannot expand data by more than about 1032:1 (a 258-byte match costs at least two
// bits); a declared size above this bound is a lie, whatever the data.
inline constexpr uint64_t kMaxDeflateRatio = 1032;

}  // namespace bastion::model::zip
