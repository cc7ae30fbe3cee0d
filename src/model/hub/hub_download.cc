#include "model/hub/hub_download.h"

#include <cstdio>
#include <filesystem>
#include <memory>

#include "model/hub/hub_verify.h"

namespace bastion::model {
namespace fs = std::filesystem;
namespace {

using File = std::unique_ptr<FILE, int (*)(FILE*)>;

uint64_t SizeOrZero(const std::string& path) {
  std::error_code ec;
  uint64_t size = fs::file_size(path, ec);
  return ec ? 0 : size;
}

// The first byte position of "bytes N-M/T".
bool RangeStartsAt(std::string_view content_range, uint64_t offset) {
  std::string prefix = "bytes " + std::to_string(offset) + "-";
  return content_range.substr(0, prefix.size()) == prefix;
}

struct Transfer {
  const HubFile& file;
  std::string part;
  uint64_t offset = 0;  // bytes already in `part`
};

// Streams the body into the .part file; the size bound stops a peer that sends too much.
http::Awaitable<Status> WriteBody(HubResponse& response, Transfer& t, Millis idle_timeout,
                                  const std::function<void(uint64_t)>& on_bytes) {
  File out(std::fopen(t.part.c_str(), t.offset > 0 ? "ab" : "wb"), &std::fclose);
  if (!out) co_return Status::IoError("cannot write '" + t.part + "'");
  while (true) {
    auto piece = co_await response.connection->ReadBody(idle_timeout);
    if (!piece.ok()) co_return Status::IoError(t.file.path + ": " + piece.status().message());
    if (piece->empty()) break;
    if (t.offset + piece->size() > t.file.size) {
      co_return Status::FailedPrecondition(t.file.path + ": more than the listed " +
                                           std::to_string(t.file.size) + " bytes");
    }
    if (std::fwrite(piece->data(), 1, piece->size(), out.get()) != piece->size()) {
      co_return Status::IoError("cannot write '" + t.part + "'");
    }
    t.offset += piece->size();
    on_bytes(piece->size());
  }
  if (std::fclose(out.release()) != 0) co_return Status::IoError("cannot write '" + t.part + "'");
  co_return Status::Ok();
}

http::Awaitable<Status> Fetch(http::Executor executor, const HubTransport& transport,
                              const HubUrl& url, Transfer& t,
                              const std::function<void(uint64_t)>& on_bytes) {
  http::HeaderList extra;
  if (t.offset > 0) extra.emplace_back("Range", "bytes=" + std::to_string(t.offset) + "-");
  auto response = co_await OpenHubUrl(executor, url, transport, extra);
  if (!response.ok())
    co_return Status::Unavailable(t.file.path + ": " + response.status().message());
  int status = response->head.status;
  if (status == 200) {
    t.offset = 0;  // the server ignored the range: start over
  } else if (status != 206 || !RangeStartsAt(response->head.content_range, t.offset)) {
    if (status == 416) fs::remove(t.part);
    co_return Status::Unavailable(t.file.path + ": " + response->url.Origin() + " answered " +
                                  std::to_string(status));
  }
  co_return co_await WriteBody(*response, t, transport.idle_timeout, on_bytes);
}

// Verifies the finished .part and moves it into place, or deletes it.
Status Keep(const std::string& dir, Transfer& t) {
  if (Status s = VerifyHubFile(t.part, t.file); !s.ok()) {
    fs::remove(t.part);
    return s;
  }
  fs::path final_path = fs::path(dir) / t.file.path;
  std::error_code ec;
  fs::create_directories(final_path.parent_path(), ec);
  fs::rename(t.part, final_path, ec);
  if (ec) return Status::IoError("cannot move into '" + final_path.string() + "': " + ec.message());
  return Status::Ok();
}

}  // namespace

std::string HubPartialPath(const std::string& dir, const HubFile& file) {
  return (fs::path(dir) / ".bastion" / "partial" / (file.path + ".part")).string();
}

Result<HubDownloadOutcome> DownloadHubFile(const HubTransport& transport, const HubUrl& url,
                                           const std::string& dir, const HubFile& file,
                                           const std::function<void(uint64_t)>& on_bytes) {
  std::string final_path = (fs::path(dir) / file.path).string();
  if (fs::is_regular_file(final_path) && VerifyHubFile(final_path, file).ok()) {
    on_bytes(file.size);
    return HubDownloadOutcome::kAlreadyPresent;
  }
  Transfer t{file, HubPartialPath(dir, file)};
  std::error_code ec;
  fs::create_directories(fs::path(t.part).parent_path(), ec);
  if (ec) return Status::IoError("cannot create the folder of '" + t.part + "'");
  t.offset = SizeOrZero(t.part);
  if (t.offset > file.size) t.offset = 0;
  bool resumed = t.offset > 0;
  if (t.offset > 0) on_bytes(t.offset);
  if (t.offset < file.size || file.size == 0) {
    uint64_t before = t.offset;
    auto fetched = RunHubIo<bool>([&](http::Executor executor) -> http::Awaitable<Result<bool>> {
      Status s = co_await Fetch(executor, transport, url, t, on_bytes);
      if (!s.ok()) co_return s;
      co_return true;
    });
    if (!fetched.ok()) {
      // A peer that sends too much is a verification failure: nothing of it is kept.
      if (fetched.status().code() == StatusCode::kFailedPrecondition) fs::remove(t.part);
      return fetched.status();
    }
    resumed = resumed && t.offset > before && before > 0;
  }
  if (Status s = Keep(dir, t); !s.ok()) return s;
  return resumed ? HubDownloadOutcome::kResumed : HubDownloadOutcome::kDownloaded;
}

}  // namespace bastion::model
