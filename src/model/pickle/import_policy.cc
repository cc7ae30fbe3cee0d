#include "model/pickle/import_policy.h"

#include <array>
#include <cctype>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace bastion::model {
namespace {

struct Entry {
  std::string_view path;  // "module.name", or a module or dotted prefix for the denylist
  std::string_view why;
};

// What real checkpoints import. Exact "module.name" matches only: with protocol 4 a name may
// be dotted ("_rebuild_tensor_v2.__globals__"), so a prefix match would be a bypass.
constexpr std::string_view kTorchRebuild =
    "rebuilds a tensor from a storage and sizes; calls nothing it is given";
constexpr std::string_view kTorchType = "a torch type or dtype object; pickle only names it";
constexpr std::string_view kNumpyRebuild = "rebuilds an ndarray or scalar from raw bytes";
constexpr Entry kSafe[] = {
    {"collections.OrderedDict", "the state_dict container"},
    {"torch._utils._rebuild_tensor", kTorchRebuild},
    {"torch._utils._rebuild_tensor_v2", kTorchRebuild},
    {"torch._utils._rebuild_tensor_v3", kTorchRebuild},
    {"torch._utils._rebuild_parameter", "wraps a rebuilt tensor in nn.Parameter"},
    {"torch._utils._rebuild_parameter_with_state",
     "nn.Parameter plus its attribute dict; hooks it names are imports judged separately"},
    {"torch._utils._rebuild_qtensor", "rebuilds a quantized tensor (scales, zero points)"},
    {"torch._utils._rebuild_meta_tensor_no_storage", "a meta tensor: shape and dtype, no data"},
    {"torch._tensor._rebuild_from_type_v2",
     "calls the rebuild function it is given, which is itself an import judged separately"},
    {"torch.nn.parameter.Parameter", "nn.Parameter(tensor, requires_grad)"},
    {"torch.Tensor", kTorchType},
    {"torch.Size", "a tuple of ints"},
    {"torch.device", "a device name"},
    {"torch.serialization._get_layout", "maps a layout name to a torch.layout"},
    {"torch.strided", kTorchType},
    {"torch.float16", kTorchType},
    {"torch.float32", kTorchType},
    {"torch.float64", kTorchType},
    {"torch.bfloat16", kTorchType},
    {"torch.half", kTorchType},
    {"torch.float", kTorchType},
    {"torch.double", kTorchType},
    {"torch.int8", kTorchType},
    {"torch.int16", kTorchType},
    {"torch.int32", kTorchType},
    {"torch.int64", kTorchType},
    {"torch.uint8", kTorchType},
    {"torch.bool", kTorchType},
    {"torch.long", kTorchType},
    {"torch.int", kTorchType},
    {"torch.short", kTorchType},
    {"torch.complex64", kTorchType},
    {"torch.complex128", kTorchType},
    {"torch.float8_e4m3fn", kTorchType},
    {"torch.float8_e5m2", kTorchType},
    // Storage types only appear inside BINPERSID tuples that torch's persistent_load reads.
    {"torch.FloatStorage", kTorchType},
    {"torch.HalfStorage", kTorchType},
    {"torch.BFloat16Storage", kTorchType},
    {"torch.DoubleStorage", kTorchType},
    {"torch.LongStorage", kTorchType},
    {"torch.IntStorage", kTorchType},
    {"torch.ShortStorage", kTorchType},
    {"torch.CharStorage", kTorchType},
    {"torch.ByteStorage", kTorchType},
    {"torch.BoolStorage", kTorchType},
    {"torch.ComplexFloatStorage", kTorchType},
    {"torch.ComplexDoubleStorage", kTorchType},
    {"torch.UntypedStorage", kTorchType},
    {"torch.storage.UntypedStorage", kTorchType},
    {"torch.storage.TypedStorage", kTorchType},
    {"numpy.core.multiarray._reconstruct", kNumpyRebuild},
    {"numpy.core.multiarray.scalar", kNumpyRebuild},
    {"numpy.core.numeric._frombuffer", kNumpyRebuild},
    {"numpy._core.multiarray._reconstruct", kNumpyRebuild},  // NumPy 2 module names
    {"numpy._core.multiarray.scalar", kNumpyRebuild},
    {"numpy._core.numeric._frombuffer", kNumpyRebuild},
    {"numpy.ndarray", "the array type, an argument of _reconstruct"},
    {"numpy.dtype", "dtype(descr, align, copy): a data type from its description"},
    {"_codecs.encode",
     "how protocol 2 writes Python 3 bytes: encode(text, 'latin1'); codecs run no user code"},
    {"builtins.set", "a plain container"},
    {"builtins.frozenset", "a plain container"},
    {"builtins.bytearray", "a plain container"},
    {"builtins.slice", "a plain value"},
    {"builtins.complex", "a plain value"},
};

constexpr std::string_view kExec = "runs code or commands";
constexpr std::string_view kNested = "unpickles nested data: a second, unscanned pickle";
constexpr std::string_view kNet = "opens network connections";
constexpr std::string_view kFiles = "reads or writes files";
constexpr std::string_view kWalk = "reaches arbitrary attributes or wraps arbitrary calls";
constexpr std::string_view kImport = "imports or loads arbitrary code";
// Lower case: matched against the lower-cased path, by whole dotted components.
constexpr Entry kDangerous[] = {
    {"os", kExec},
    {"posix", kExec},
    {"nt", kExec},
    {"subprocess", kExec},
    {"_posixsubprocess", kExec},
    {"pty", kExec},
    {"commands", kExec},
    {"popen2", kExec},
    {"_winapi", kExec},
    {"msvcrt", kExec},
    {"winreg", kExec},
    {"_winreg", kExec},
    {"sys", kExec},
    {"runpy", kExec},
    {"code", kExec},
    {"codeop", kExec},
    {"pdb", kExec},
    {"bdb", kExec},
    {"timeit", kExec},
    {"trace", kExec},
    {"profile", kExec},
    {"cprofile", kExec},
    {"doctest", kExec},
    {"idlelib", kExec},
    {"platform", kExec},
    {"signal", kExec},
    {"_signal", kExec},
    {"multiprocessing", kExec},
    {"_multiprocessing", kExec},
    {"asyncio", kExec},
    {"ctypes", kExec},
    {"_ctypes", kExec},
    {"types", kExec},
    {"marshal", kExec},
    {"ipython", kExec},
    {"pip", kImport},
    {"ensurepip", kImport},
    {"setuptools", kImport},
    {"distutils", kImport},
    {"venv", kImport},
    {"importlib", kImport},
    {"imp", kImport},
    {"zipimport", kImport},
    {"pkgutil", kImport},
    {"pydoc", kImport},
    {"torch.utils.cpp_extension", kImport},
    {"torch.jit", kImport},
    {"torch.hub", kImport},
    {"torch.package", kImport},
    {"numpy.f2py", kImport},
    {"numpy.distutils", kImport},
    {"numpy.ctypeslib", kImport},
    {"numpy.testing", kExec},
    {"pickle", kNested},
    {"_pickle", kNested},
    {"cpickle", kNested},
    {"dill", kNested},
    {"cloudpickle", kNested},
    {"joblib", kNested},
    {"shelve", kNested},
    {"jsonpickle", kNested},
    {"copyreg.add_extension", kNested},
    {"copyreg.remove_extension", kNested},
    {"torch.load", kNested},
    {"torch.serialization.load", kNested},
    // torch.storage._load_from_bytes(b) is torch.load(io.BytesIO(b)): a nested pickle.
    {"torch.storage._load_from_bytes", kNested},
    {"numpy.load", kNested},
    {"numpy.lib.npyio", kNested},
    {"numpy.lib.format", kNested},
    {"pandas.read_pickle", kNested},
    {"pandas.io.pickle", kNested},
    {"yaml.load", kNested},
    {"yaml.unsafe_load", kNested},
    {"socket", kNet},
    {"_socket", kNet},
    {"ssl", kNet},
    {"urllib", kNet},
    {"urllib2", kNet},
    {"urllib3", kNet},
    {"http", kNet},
    {"httplib", kNet},
    {"requests", kNet},
    {"httpx", kNet},
    {"aiohttp", kNet},
    {"ftplib", kNet},
    {"smtplib", kNet},
    {"telnetlib", kNet},
    {"poplib", kNet},
    {"imaplib", kNet},
    {"nntplib", kNet},
    {"xmlrpc", kNet},
    {"xmlrpclib", kNet},
    {"socketserver", kNet},
    {"webbrowser", kNet},
    {"shutil", kFiles},
    {"io", kFiles},
    {"_io", kFiles},
    {"fileinput", kFiles},
    {"pathlib", kFiles},
    {"codecs.open", kFiles},
    {"tempfile", kFiles},
    {"operator", kWalk},
    {"_operator", kWalk},
    {"functools.partial", kWalk},
    {"functools.partialmethod", kWalk},
    {"functools.reduce", kWalk},
};

// Names under builtins that run code, import, touch files or reach attributes.
constexpr std::string_view kBuiltinNames[] =
    {
        "eval",    "exec",    "execfile",  "compile",    "__import__", "open",
        "file",    "input",   "raw_input", "breakpoint", "getattr",    "setattr",
        "delattr", "globals", "locals",    "vars",       "help",       "exit",
        "quit",    "reload",  "apply",     "type"};  // type(name, bases, dict) builds classes with
                                                     // arbitrary attributes

// Attribute names that are dangerous wherever they appear in a dotted name.
constexpr std::string_view kDangerousAttributes[] = {
    "system",  "popen",      "eval",       "exec",   "execfile",  "getattr",     "setattr",
    "delattr", "__import__", "breakpoint", "spawnl", "spawnv",    "spawnve",     "spawnvp",
    "execv",   "execve",     "execl",      "execvp", "startfile", "load_module", "exec_module"};

using Table = std::unordered_map<std::string_view, std::string_view>;

const Table& SafeTable() {
  static const Table* table = [] {
    auto* t = new Table;
    for (const Entry& e : kSafe) t->emplace(e.path, e.why);
    return t;
  }();
  return *table;
}

const Table& DangerousTable() {
  // The builtins entries need owned keys; they live as long as the table.
  static const auto* builtin_keys = [] {
    auto* keys = new std::vector<std::string>;
    for (std::string_view module : {"builtins", "__builtin__", "exceptions"}) {
      for (std::string_view name : kBuiltinNames) {
        keys->push_back(std::string(module) + "." + std::string(name));
      }
    }
    return keys;
  }();
  static const Table* table = [] {
    auto* t = new Table;
    for (const Entry& e : kDangerous) t->emplace(e.path, e.why);
    for (const std::string& key : *builtin_keys) t->emplace(key, kExec);
    return t;
  }();
  return *table;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// CPython's _compat_pickle mappings that matter here (protocols 0-2 with fix_imports).
std::pair<std::string_view, std::string_view> MapPython2(std::string_view module,
                                                         std::string_view name) {
  static constexpr std::pair<std::string_view, std::string_view> kNames[][2] = {
      {{"__builtin__", "reduce"}, {"functools", "reduce"}},
      {{"__builtin__", "intern"}, {"sys", "intern"}},
      {{"__builtin__", "xrange"}, {"builtins", "range"}},
      {{"_socket", "fromfd"}, {"socket", "fromfd"}},
      {{"multiprocessing.forking", "Popen"}, {"multiprocessing.popen_fork", "Popen"}},
      {{"urllib", "urlopen"}, {"urllib.request", "urlopen"}},
      {{"urllib", "urlretrieve"}, {"urllib.request", "urlretrieve"}},
  };
  for (const auto& [from, to] : kNames) {
    if (from.first == module && from.second == name) return to;
  }
  static constexpr std::pair<std::string_view, std::string_view> kModules[] = {
      {"__builtin__", "builtins"},
      {"exceptions", "builtins"},
      {"copy_reg", "copyreg"},
      {"commands", "subprocess"},
      {"cPickle", "pickle"},
      {"urllib2", "urllib.request"},
      {"httplib", "http.client"},
      {"thread", "_thread"},
      {"SocketServer", "socketserver"},
      {"xmlrpclib", "xmlrpc.client"},
      {"_winreg", "winreg"},
      {"StringIO", "io"},
      {"cStringIO", "io"},
      {"BaseHTTPServer", "http.server"},
      {"SimpleHTTPServer", "http.server"},
      {"CGIHTTPServer", "http.server"},
      {"UserDict", "collections"},
      {"UserList", "collections"},
      {"UserString", "collections"},
  };
  for (const auto& [from, to] : kModules) {
    if (from == module) return {to, name};
  }
  return {module, name};
}

// The denylist entry for the longest-matching dotted prefix of "module.name", or for a
// dangerous attribute anywhere in the name; empty when none.
std::string_view DangerReason(std::string_view module, std::string_view name) {
  std::string path = Lower(module) + "." + Lower(name);
  const Table& table = DangerousTable();
  size_t end = 0;
  while (end != std::string::npos) {
    end = path.find('.', end + 1);
    auto it = table.find(std::string_view(path).substr(0, end));
    if (it != table.end()) return it->second;
  }
  std::string lowered_name = Lower(name);
  std::string_view rest = lowered_name;
  while (true) {
    size_t dot = rest.find('.');
    std::string_view part = rest.substr(0, dot);
    if (part.size() > 4 && part.starts_with("__") && part.ends_with("__")) {
      return "walks through a dunder attribute (__globals__, __builtins__, ...)";
    }
    for (std::string_view attr : kDangerousAttributes) {
      if (part == attr) return kExec;
    }
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  return {};
}

}  // namespace

ImportJudgement JudgeImport(std::string_view module, std::string_view name, bool truncated) {
  auto [module3, name3] = MapPython2(module, name);
  std::string_view danger = DangerReason(module, name);
  if (danger.empty()) danger = DangerReason(module3, name3);
  if (!danger.empty()) return {ImportVerdict::kDangerous, danger};
  if (truncated) return {ImportVerdict::kUnknown, "the name is too long to judge"};
  const Table& safe = SafeTable();
  auto it = safe.find(std::string(module3) + "." + std::string(name3));
  if (it != safe.end()) return {ImportVerdict::kSafe, it->second};
  return {ImportVerdict::kUnknown, "not on the allowlist of what checkpoints import"};
}

}  // namespace bastion::model
