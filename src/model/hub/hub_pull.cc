#include "model/hub/hub_pull.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

#include "model/hub/hub_api.h"
#include "model/hub/hub_download.h"
#include "model/hub/hub_fetch.h"
#include "model/hub/hub_file_filter.h"
#include "model/hub/hub_repo.h"
#include "model/hub/pull_progress.h"
#include "model/intake/intake_record.h"

namespace bastion::model {
namespace fs = std::filesystem;
namespace {

struct PullPlan {
  HubRepoSpec spec;
  std::string prefix;  // the hub URL's path, without a trailing '/'
  std::shared_ptr<http::TlsClientContext> tls;
  HubTransport transport;
};

HubUrl HubPath(const PullPlan& plan, const std::string& target) {
  HubUrl url = plan.transport.hub;
  url.target = plan.prefix + target;
  return url;
}

// The hub's own answer to an API call, mapped so that what the user asked for wrong (an
// unknown repository or revision, no access) reads as a usage error.
Result<std::string> FetchApi(const HubTransport& transport, const HubUrl& url) {
  auto body = RunHubIo<std::string>([&](http::Executor ex) -> http::Awaitable<Result<std::string>> {
    auto response = co_await OpenHubUrl(ex, url, transport);
    if (!response.ok()) co_return Status::Unavailable(response.status().message());
    auto text = co_await ReadHubBody(*response, kMaxHubJsonBytes, transport.idle_timeout);
    if (!text.ok()) co_return Status::Unavailable(text.status().message());
    int status = response->head.status;
    if (status == 200) co_return std::move(*text);
    std::string answer =
        url.Origin() + " answered " + std::to_string(status) + ": " + HubErrorExcerpt(*text);
    if (status == 404) co_return Status::NotFound(answer);
    if (status == 401 || status == 403) co_return Status::PermissionDenied(answer);
    if (status == 400 || status == 422) co_return Status::InvalidArgument(answer);
    co_return Status::Unavailable(answer);
  });
  return body;
}

Result<PullPlan> Plan(const PullOptions& options) {
  PullPlan plan;
  auto spec = ParseHubRepoSpec(options.repo);
  if (!spec.ok()) return spec.status();
  plan.spec = std::move(*spec);
  std::vector<std::string> orgs = DefaultHubOrgs();
  orgs.insert(orgs.end(), options.allow_orgs.begin(), options.allow_orgs.end());
  if (std::find(orgs.begin(), orgs.end(), plan.spec.org) == orgs.end()) {
    return Status::PermissionDenied("organisation '" + plan.spec.org +
                                    "' is not allowed (add it with --allow-org)");
  }
  auto hub = ParseHubUrl(options.hub);
  if (!hub.ok()) return hub.status();
  if (Status s = CheckHubTransport(*hub); !s.ok()) return Status::InvalidArgument(s.message());
  if (hub->target.find('?') != std::string::npos) {
    return Status::InvalidArgument("the hub URL must not have a query");
  }
  plan.prefix = hub->target == "/" ? "" : hub->target;
  while (!plan.prefix.empty() && plan.prefix.back() == '/') plan.prefix.pop_back();
  auto tls = http::TlsClientContext::Create(options.ca_file);
  if (!tls.ok()) return Status::Internal(tls.status().message());
  plan.tls = std::move(*tls);
  plan.transport.hub = *hub;
  plan.transport.tls = plan.tls.get();
  plan.transport.token = options.token;
  plan.transport.allowlist.Add(hub->Authority());
  for (const std::string& host : DefaultHubCdnHosts()) plan.transport.allowlist.Add(host);
  for (const std::string& host : options.allow_hosts) plan.transport.allowlist.Add(host);
  return plan;
}

Result<std::string> ResolveCommit(const PullPlan& plan) {
  std::string revision = PercentEncodePath(plan.spec.revision);
  for (size_t at = 0; (at = revision.find('/', at)) != std::string::npos;) {
    revision.replace(at, 1, "%2F");
  }
  auto body = FetchApi(plan.transport,
                       HubPath(plan, "/api/models/" + plan.spec.repo() + "/revision/" + revision));
  if (!body.ok()) return body.status();
  return ParseHubRevision(*body);
}

Result<std::vector<HubFile>> ListFiles(const PullPlan& plan, const std::string& commit) {
  auto body = FetchApi(plan.transport, HubPath(plan, "/api/models/" + plan.spec.repo() + "/tree/" +
                                                         commit + "?recursive=true"));
  if (!body.ok()) return body.status();
  auto files = ParseHubTree(*body);
  if (!files.ok()) return Status::Unavailable(files.status().message());
  return files;
}

// Removes the files the options do not take, and says which on `log`.
std::vector<HubFile> TakeWanted(std::vector<HubFile> files, const PullOptions& options) {
  std::vector<HubFile> wanted;
  for (HubFile& file : files) {
    HubFileKind kind = ClassifyHubFile(file.path);
    if ((kind == HubFileKind::kPickle && !options.include_pickles) ||
        (kind == HubFileKind::kCode && !options.include_code)) {
      std::fprintf(options.log, "pull: skipped %s (%s; take it with --include-%s)\n",
                   file.path.c_str(), std::string(HubFileKindName(kind)).c_str(),
                   kind == HubFileKind::kPickle ? "pickles" : "code");
      continue;
    }
    wanted.push_back(std::move(file));
  }
  return wanted;
}

const char* OutcomeName(HubDownloadOutcome outcome) {
  switch (outcome) {
    case HubDownloadOutcome::kResumed:
      return "resumed";
    case HubDownloadOutcome::kAlreadyPresent:
      return "present";
    case HubDownloadOutcome::kDownloaded:
      break;
  }
  return "ok";
}

// Downloads every file, `parallel` at a time, each on a thread of its own.
Status DownloadAll(const PullPlan& plan, const std::string& commit,
                   const std::vector<HubFile>& files, const PullOptions& options) {
  uint64_t total = 0;
  for (const HubFile& f : files) total += f.size;
  PullProgress progress(options.log, options.tty, total, files.size());
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::vector<std::string> failures;
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < files.size();) {
      const HubFile& file = files[i];
      HubUrl url = HubPath(
          plan, "/" + plan.spec.repo() + "/resolve/" + commit + "/" + PercentEncodePath(file.path));
      auto outcome = DownloadHubFile(plan.transport, url, options.dir, file,
                                     [&](uint64_t n) { progress.AddBytes(n); });
      if (outcome.ok()) {
        progress.FileDone(file.path, file.size, OutcomeName(*outcome));
        continue;
      }
      progress.FileDone(file.path, file.size, "FAILED");
      std::lock_guard lock(mu);
      failures.push_back(outcome.status().message());
    }
  };
  std::vector<std::thread> workers;
  size_t count = std::clamp<size_t>(options.parallel, 1, 16);
  for (size_t i = 0; i < std::min(count, files.size()); ++i) workers.emplace_back(work);
  for (std::thread& worker : workers) worker.join();
  progress.Finish();
  if (failures.empty()) return Status::Ok();
  std::string message = std::to_string(failures.size()) + " file(s) failed:";
  for (const std::string& failure : failures) message += "\n  " + failure;
  return Status::FailedPrecondition(message + "\n(rerun to resume interrupted downloads)");
}

}  // namespace

const std::vector<std::string>& DefaultHubCdnHosts() {
  // Where huggingface.co sends LFS downloads (the Xet bridge for repositories it migrated).
  static const std::vector<std::string> hosts = {"cdn-lfs.huggingface.co", "cdn-lfs.hf.co",
                                                 "cdn-lfs-us-1.huggingface.co",
                                                 "cas-bridge.xethub.hf.co"};
  return hosts;
}

const std::vector<std::string>& DefaultHubOrgs() {
  static const std::vector<std::string> orgs = {"deepseek-ai"};
  return orgs;
}

Status PullFromHub(const PullOptions& options) {
  if (options.dir.empty()) return Status::InvalidArgument("no destination folder (--to)");
  auto plan = Plan(options);
  if (!plan.ok()) return plan.status();
  auto commit = ResolveCommit(*plan);
  if (!commit.ok()) return commit.status();
  auto listed = ListFiles(*plan, *commit);
  if (!listed.ok()) return listed.status();
  std::fprintf(options.log, "pull: %s@%s is commit %s (%zu files)\n", plan->spec.repo().c_str(),
               plan->spec.revision.c_str(), commit->c_str(), listed->size());
  std::vector<HubFile> files = TakeWanted(std::move(*listed), options);
  std::error_code ec;
  fs::create_directories(options.dir, ec);
  if (ec) return Status::IoError("cannot create '" + options.dir + "': " + ec.message());
  if (Status s = DownloadAll(*plan, *commit, files, options); !s.ok()) return s;
  fs::remove_all(fs::path(options.dir) / ".bastion" / "partial", ec);
  IntakeSource source{plan->transport.hub.Origin() + plan->prefix, plan->spec.repo(),
                      plan->spec.revision, *commit};
  auto record = RecordIntake(options.dir, source, options.hash_threads);
  if (!record.ok()) {
    return Status::FailedPrecondition(
        "intake refused the files (kept in " + options.dir +
        " for inspection, no record written): " + record.status().message());
  }
  std::fprintf(options.log, "pull: %zu files verified; intake record %s\n", files.size(),
               IntakeRecordPath(options.dir).c_str());
  return Status::Ok();
}

}  // namespace bastion::model
