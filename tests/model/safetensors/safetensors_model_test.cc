// Sharded checkpoints: the index's checks (shard names that stay in the folder, no duplicate
// keys), and SafetensorsModel's agreement between the index and its shards.
#include "model/safetensors/safetensors_model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "model/safetensors/safetensors_index.h"
#include "model/safetensors/safetensors_test_bytes.h"

namespace bastion::model {
namespace {

using ::testing::HasSubstr;
using testing::SafetensorsBytes;

std::string IndexError(const std::string& json) {
  auto index = ParseSafetensorsIndex(json, "index.json");
  return index.ok() ? std::string() : index.status().message();
}

std::string WeightMapError(const std::string& shard) {
  return IndexError(R"({"weight_map":{"a":")" + shard + R"("}})");
}

TEST(SafetensorsIndexTest, ParsesWeightMapShardsAndTotalSize) {
  auto index = ParseSafetensorsIndex(R"({
    "metadata": {"total_size": 40, "format": "pt"},
    "weight_map": {"b": "model-00002-of-00002.safetensors",
                   "a": "model-00001-of-00002.safetensors",
                   "c": "model-00001-of-00002.safetensors"}
  })",
                                     "index.json");
  ASSERT_TRUE(index.ok()) << index.status().message();
  EXPECT_EQ(index->total_size, 40u);
  EXPECT_EQ(index->weight_map.size(), 3u);
  EXPECT_EQ(index->weight_map.at("b"), "model-00002-of-00002.safetensors");
  EXPECT_EQ(index->shards, (std::vector<std::string>{"model-00001-of-00002.safetensors",
                                                     "model-00002-of-00002.safetensors"}));
  auto no_metadata = ParseSafetensorsIndex(R"({"weight_map":{"a":"m.safetensors"}})", "i");
  ASSERT_TRUE(no_metadata.ok()) << no_metadata.status().message();
  EXPECT_FALSE(no_metadata->total_size.has_value());
}

TEST(SafetensorsIndexTest, RefusesShardNamesThatLeaveTheFolder) {
  EXPECT_EQ(WeightMapError("../model.safetensors"),
            "safetensors index: index.json: weight_map entry 'a': shard '../model.safetensors' is "
            "not a plain file name (it contains a path separator)");
  EXPECT_THAT(WeightMapError("/etc/model.safetensors"), HasSubstr("not a plain file name"));
  EXPECT_THAT(WeightMapError("sub/model.safetensors"), HasSubstr("not a plain file name"));
  EXPECT_THAT(WeightMapError("..\\\\model.safetensors"), HasSubstr("not a plain file name"));
  EXPECT_THAT(WeightMapError("..safetensors"), HasSubstr("contains \"..\""));
  EXPECT_THAT(WeightMapError("m\\u0000.safetensors"), HasSubstr("contains a control byte"));
  EXPECT_THAT(WeightMapError("pytorch_model.bin"),
              HasSubstr("is not a file name ending in \".safetensors\""));
  EXPECT_THAT(WeightMapError(".safetensors"), HasSubstr("ending in \".safetensors\""));
  EXPECT_THAT(WeightMapError(""), HasSubstr("ending in \".safetensors\""));
  EXPECT_TRUE(WeightMapError("model-00001-of-00163.safetensors").empty());
}

TEST(SafetensorsIndexTest, RefusesMalformedIndexes) {
  EXPECT_THAT(IndexError("[]"), HasSubstr("the index is an array, expected an object"));
  EXPECT_THAT(IndexError("{"), HasSubstr("the index is not valid JSON"));
  EXPECT_THAT(IndexError(R"({"metadata":{}})"), HasSubstr("the index has no weight_map"));
  EXPECT_THAT(IndexError(R"({"weight_map":{}})"), HasSubstr("weight_map lists no tensors"));
  EXPECT_THAT(IndexError(R"({"weight_map":{"a":1}})"),
              HasSubstr("weight_map entry 'a' is the integer 1, expected a string"));
  EXPECT_THAT(IndexError(R"({"weight_map":{"":"m.safetensors"}})"),
              HasSubstr("weight_map has an empty tensor name"));
  EXPECT_THAT(IndexError(R"({"weight_map":{"a":"m.safetensors"},"extra":1})"),
              HasSubstr("the index has the unknown member 'extra'"));
  EXPECT_THAT(IndexError(R"({"weight_map":{"a":"x.safetensors","a":"y.safetensors"}})"),
              HasSubstr("weight_map has the key 'a' twice"));
  EXPECT_THAT(IndexError(R"({"weight_map":{"a":"x.safetensors"},"weight_map":{}})"),
              HasSubstr("the index has the key 'weight_map' twice"));
  EXPECT_THAT(IndexError(R"({"metadata":{"t":1,"t":2},"weight_map":{"a":"x.safetensors"}})"),
              HasSubstr("metadata has the key 't' twice"));
}

// A one-I8-tensor-per-name shard: each tensor holds one byte.
std::string Shard(const std::vector<std::string>& names) {
  std::string header = "{";
  std::string data;
  for (const std::string& name : names) {
    if (header.size() > 1) header += ",";
    header += "\"" + name + R"(":{"dtype":"I8","shape":[1],"data_offsets":[)" +
              std::to_string(data.size()) + "," + std::to_string(data.size() + 1) + "]}";
    data.push_back(name[0]);
  }
  return SafetensorsBytes(header + "}", data);
}

class SafetensorsModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("bastion_safetensors_model_test_" + std::to_string(::getpid()));
    dir_ = root_ / "model";
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  void Write(const std::string& name, const std::string& bytes) {
    std::ofstream(dir_ / name, std::ios::binary) << bytes;
  }
  // Two shards: a and b in the first, c in the second; `weight_map` is the index's.
  void WriteSharded(const std::string& weight_map) {
    Write("model-00001-of-00002.safetensors", Shard({"a", "b"}));
    Write("model-00002-of-00002.safetensors", Shard({"c"}));
    Write("model.safetensors.index.json",
          R"({"metadata":{"total_size":3},"weight_map":{)" + weight_map + "}}");
  }
  std::string OpenError() {
    auto model = SafetensorsModel::Open(dir_.string());
    return model.ok() ? std::string() : model.status().message();
  }
  std::filesystem::path root_;
  std::filesystem::path dir_;
};

constexpr const char* kGoodWeightMap =
    R"("a":"model-00001-of-00002.safetensors","b":"model-00001-of-00002.safetensors",)"
    R"("c":"model-00002-of-00002.safetensors")";

TEST_F(SafetensorsModelTest, OpensASingleFile) {
  Write("model.safetensors", Shard({"x", "y"}));
  auto model = SafetensorsModel::Open(dir_.string());
  ASSERT_TRUE(model.ok()) << model.status().message();
  EXPECT_EQ(model->shards().size(), 1u);
  EXPECT_EQ(model->tensor_count(), 2u);
  ASSERT_NE(model->Find("y"), nullptr);
  EXPECT_EQ(model->Find("y")->data[0], 'y');
  EXPECT_EQ(model->Find("z"), nullptr);
}

TEST_F(SafetensorsModelTest, OpensAShardedCheckpointAndFindsAcrossShards) {
  WriteSharded(kGoodWeightMap);
  auto opened = SafetensorsModel::Open(dir_.string());
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  SafetensorsModel model = std::move(opened).value();
  EXPECT_EQ(model.shards().size(), 2u);
  EXPECT_EQ(model.tensor_count(), 3u);
  for (const char* name : {"a", "b", "c"}) {
    const SafetensorsTensor* t = model.Find(name);
    ASSERT_NE(t, nullptr) << name;
    EXPECT_EQ(t->data[0], name[0]);
  }
  EXPECT_EQ(model.Find("d"), nullptr);
}

TEST_F(SafetensorsModelTest, RefusesAShardOutsideTheFolder) {
  std::ofstream(root_ / "outside.safetensors", std::ios::binary) << Shard({"a"});
  Write("model.safetensors.index.json", R"({"weight_map":{"a":"../outside.safetensors"}})");
  EXPECT_THAT(OpenError(), HasSubstr("shard '../outside.safetensors' is not a plain file name"));
}

TEST_F(SafetensorsModelTest, RefusesATensorMissingFromItsShard) {
  WriteSharded(std::string(kGoodWeightMap) + R"(,"d":"model-00002-of-00002.safetensors")");
  EXPECT_THAT(OpenError(), HasSubstr("weight_map puts tensor 'd' in shard "
                                     "'model-00002-of-00002.safetensors', which has no such "
                                     "tensor"));
}

TEST_F(SafetensorsModelTest, RefusesATensorInTheWrongShard) {
  WriteSharded(R"("a":"model-00001-of-00002.safetensors","b":"model-00002-of-00002.safetensors",)"
               R"("c":"model-00002-of-00002.safetensors")");
  EXPECT_THAT(OpenError(), HasSubstr("weight_map puts tensor 'b' in shard "
                                     "'model-00002-of-00002.safetensors', but it is in shard "
                                     "'model-00001-of-00002.safetensors'"));
}

TEST_F(SafetensorsModelTest, RefusesATensorInTwoShards) {
  WriteSharded(kGoodWeightMap);
  Write("model-00002-of-00002.safetensors", Shard({"b", "c"}));
  EXPECT_THAT(OpenError(), HasSubstr("tensor 'b' is in both shard "
                                     "'model-00001-of-00002.safetensors' and shard "
                                     "'model-00002-of-00002.safetensors'"));
}

TEST_F(SafetensorsModelTest, RefusesATensorTheIndexDoesNotList) {
  WriteSharded(R"("a":"model-00001-of-00002.safetensors","c":"model-00002-of-00002.safetensors")");
  EXPECT_THAT(OpenError(), HasSubstr("shard 'model-00001-of-00002.safetensors' has tensor 'b', "
                                     "which weight_map does not list"));
}

TEST_F(SafetensorsModelTest, ExplainsMissingAndInvalidShards) {
  WriteSharded(kGoodWeightMap);
  std::filesystem::remove(dir_ / "model-00002-of-00002.safetensors");
  auto missing = SafetensorsModel::Open(dir_.string());
  EXPECT_EQ(missing.status().code(), StatusCode::kIoError);
  EXPECT_THAT(missing.status().message(), HasSubstr("model-00002-of-00002.safetensors"));
  Write("model-00002-of-00002.safetensors", SafetensorsBytes("{}", "junk"));
  EXPECT_THAT(OpenError(), HasSubstr("model-00002-of-00002.safetensors: the header lists no "
                                     "tensors, but 4 bytes follow it"));
}

TEST_F(SafetensorsModelTest, RefusesAmbiguousAndEmptyFolders) {
  auto empty = SafetensorsModel::Open(dir_.string());
  EXPECT_EQ(empty.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(empty.status().message(), HasSubstr("has neither model.safetensors nor"));
  WriteSharded(kGoodWeightMap);
  Write("model.safetensors", Shard({"a", "b", "c"}));
  EXPECT_THAT(OpenError(), HasSubstr("has both model.safetensors and "
                                     "model.safetensors.index.json"));
}

}  // namespace
}  // namespace bastion::model
