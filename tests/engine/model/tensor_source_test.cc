// Releasing a tensor's bytes after the engine copied them (packed kernels): mapped pages are
// dropped but read back from the file if touched; bytes the caller owns are left alone.
#include "engine/model/tensor_source.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "model/gguf/gguf_writer.h"

namespace bastion::engine {
namespace {

std::vector<uint8_t> Pattern(size_t n) {
  std::vector<uint8_t> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(i * 13 + 5);
  return out;
}

std::string GgufWithTensor(const std::vector<uint8_t>& data) {
  model::GgufWriter w;
  w.AddTensor("big", model::GgmlType::kF32, {data.size() / 4}, data);
  auto bytes = w.Finish();
  EXPECT_TRUE(bytes.ok());
  return bytes.ok() ? *bytes : std::string();
}

TEST(TensorSourceTest, ReleasedMappedTensorsReadBackFromTheFile) {
  const auto data = Pattern(64 * 1024);  // many pages
  const auto path = std::filesystem::temp_directory_path() /
                    ("bastion_tensor_source_test_" + std::to_string(::getpid()) + ".gguf");
  std::ofstream(path, std::ios::binary) << GgufWithTensor(data);
  auto file = model::GgufFile::Open(path.string());
  ASSERT_TRUE(file.ok()) << file.status().message();
  GgufTensorSource source(std::move(*file));
  const SourceTensor* t = source.Find("big");
  ASSERT_NE(t, nullptr);
  source.ReleaseBytes(t->data);
  EXPECT_TRUE(std::equal(t->data.begin(), t->data.end(), data.begin(), data.end()));
  std::filesystem::remove(path);
}

TEST(TensorSourceTest, ParsedBytesAreTheCallersAndStay) {
  const auto data = Pattern(64 * 1024);
  const std::string bytes = GgufWithTensor(data);
  auto file =
      model::GgufFile::Parse({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
  ASSERT_TRUE(file.ok()) << file.status().message();
  GgufTensorSource source(*file);
  const SourceTensor* t = source.Find("big");
  ASSERT_NE(t, nullptr);
  source.ReleaseBytes(t->data);  // madvise would zero these heap pages
  EXPECT_TRUE(std::equal(t->data.begin(), t->data.end(), data.begin(), data.end()));
}

}  // namespace
}  // namespace bastion::engine
