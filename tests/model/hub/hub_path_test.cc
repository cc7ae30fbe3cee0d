#include "model/hub/hub_path.h"

#include <gtest/gtest.h>

#include <string>

#include "model/hub/hub_file_filter.h"

namespace bastion::model {
namespace {

TEST(HubPathTest, AcceptsOrdinaryRelativePaths) {
  EXPECT_TRUE(CheckHubPath("config.json").ok());
  EXPECT_TRUE(CheckHubPath("onnx/model.onnx").ok());
  EXPECT_TRUE(CheckHubPath(".gitattributes").ok());
  EXPECT_TRUE(CheckHubPath("a/.bastion/x").ok());  // only the top-level state folder is reserved
  EXPECT_TRUE(CheckHubPath("weird name (1).txt").ok());
}

TEST(HubPathTest, RefusesPathsThatCouldEscapeTheFolder) {
  for (std::string bad : {"", "/etc/passwd", "../x", "a/../../x", "a/./b", "a//b", "a/", "a\\..\\b",
                          ".bastion/intake.json", ".git/config", "a\nb"}) {
    Status s = CheckHubPath(bad);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_FALSE(CheckHubPath(std::string("a\0b", 3)).ok());
  EXPECT_FALSE(CheckHubPath(std::string(256, 'a')).ok());
  EXPECT_FALSE(CheckHubPath(std::string(600, 'a') + "/" + std::string(600, 'b')).ok());
}

TEST(HubFileFilterTest, ClassifiesPicklesAndCodeByExtension) {
  EXPECT_EQ(ClassifyHubFile("model.safetensors"), HubFileKind::kData);
  EXPECT_EQ(ClassifyHubFile("config.json"), HubFileKind::kData);
  EXPECT_EQ(ClassifyHubFile("model.gguf"), HubFileKind::kData);
  for (const char* p : {"pytorch_model.bin", "a/b.PT", "x.pth", "x.ckpt", "x.pkl", "x.pickle",
                        "x.npy", "tf_model.h5", "flax_model.msgpack"}) {
    EXPECT_EQ(ClassifyHubFile(p), HubFileKind::kPickle) << p;
  }
  EXPECT_EQ(ClassifyHubFile("modeling_deepseek.py"), HubFileKind::kCode);
  EXPECT_EQ(ClassifyHubFile("notes.pyc.txt"), HubFileKind::kData);
}

}  // namespace
}  // namespace bastion::model
