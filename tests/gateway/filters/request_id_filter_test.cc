#include "gateway/filters/request_id/request_id_filter.h"

#include <gtest/gtest.h>

namespace bastion::gateway {
namespace {

TEST(RequestIdFilterTest, KeepsPlainClientIds) {
  http::Request req;
  req.headers = {{"x-request-id", "trace-42.a_b"}};
  Exchange ex(req);
  RequestIdFilter f;
  EXPECT_FALSE(f.OnHeaders(ex).respond);
  EXPECT_EQ(ex.request_id, "trace-42.a_b");
  ASSERT_EQ(ex.response_headers.size(), 1u);
  EXPECT_EQ(ex.response_headers[0].second, "trace-42.a_b");
}

TEST(RequestIdFilterTest, ReplacesUnsafeOrMissingIds) {
  RequestIdFilter f;
  for (std::string given : {std::string(""), std::string("a b"), std::string("x\r\nSet-Cookie: y"),
                            std::string(65, 'a'), std::string("<script>")}) {
    http::Request req;
    req.headers = {{"x-request-id", given}};
    Exchange ex(req);
    (void)f.OnHeaders(ex);
    EXPECT_NE(ex.request_id, given);
    EXPECT_TRUE(RequestIdFilter::IsAcceptableId(ex.request_id));
    EXPECT_EQ(ex.request_id.rfind("req-", 0), 0u);
  }
  EXPECT_NE(RequestIdFilter::NewId(), RequestIdFilter::NewId());
}

}  // namespace
}  // namespace bastion::gateway
