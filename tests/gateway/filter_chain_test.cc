#include "gateway/filter.h"

#include <gtest/gtest.h>

namespace bastion::gateway {
namespace {

class RecordingFilter : public Filter {
 public:
  RecordingFilter(std::string name, std::vector<std::string>& log, bool reject_on_request = false)
      : name_(std::move(name)), log_(log), reject_(reject_on_request) {}
  std::string_view name() const override { return name_; }
  FilterResult OnHeaders(Exchange&) override {
    log_.push_back(name_ + ".headers");
    return FilterResult::Continue();
  }
  FilterResult OnRequest(Exchange&) override {
    log_.push_back(name_ + ".request");
    if (reject_) return FilterResult::Respond(ApiError::BadRequest("no", "rejected"));
    return FilterResult::Continue();
  }
  void OnResponseData(Exchange&, std::string& data) override { data += "+" + name_; }
  void OnComplete(Exchange&) override { log_.push_back(name_ + ".complete"); }

 private:
  std::string name_;
  std::vector<std::string>& log_;
  bool reject_;
};

TEST(FilterChainTest, RunsInOrderAndUnwindsInReverse) {
  std::vector<std::string> log;
  FilterChain chain;
  chain.Add(std::make_unique<RecordingFilter>("a", log));
  chain.Add(std::make_unique<RecordingFilter>("b", log));
  http::Request req;
  Exchange ex(req);
  EXPECT_FALSE(chain.OnHeaders(ex).respond);
  EXPECT_FALSE(chain.OnRequest(ex).respond);
  std::string data = "d";
  chain.OnResponseData(ex, data);
  chain.OnComplete(ex);
  EXPECT_EQ(data, "d+a+b");
  EXPECT_EQ(log, (std::vector<std::string>{"a.headers", "b.headers", "a.request", "b.request",
                                           "b.complete", "a.complete"}));
}

TEST(FilterChainTest, AnEarlyAnswerStopsTheChain) {
  std::vector<std::string> log;
  FilterChain chain;
  chain.Add(std::make_unique<RecordingFilter>("a", log, true));
  chain.Add(std::make_unique<RecordingFilter>("b", log));
  http::Request req;
  Exchange ex(req);
  auto r = chain.OnRequest(ex);
  ASSERT_TRUE(r.respond);
  EXPECT_EQ(r.respond->status, 400);
  EXPECT_EQ(log, (std::vector<std::string>{"a.request"}));
}

}  // namespace
}  // namespace bastion::gateway
