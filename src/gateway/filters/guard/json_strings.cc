#include "gateway/filters/guard/json_strings.h"

#include "common/json_writer.h"

namespace bastion::gateway {
namespace {

void Walk(simdjson::dom::element e, std::string& path, const StringVisitor& visit, JsonWriter& w) {
  switch (e.type()) {
    case simdjson::dom::element_type::OBJECT: {
      w.BeginObject();
      size_t mark = path.size();
      for (auto [key, value] : simdjson::dom::object(e)) {
        w.Key(key);
        path.append(mark ? "." : "").append(key);
        Walk(value, path, visit, w);
        path.resize(mark);
      }
      w.EndObject();
      return;
    }
    case simdjson::dom::element_type::ARRAY: {
      w.BeginArray();
      size_t mark = path.size(), index = 0;
      for (simdjson::dom::element item : simdjson::dom::array(e)) {
        path.append(mark ? "." : "").append(std::to_string(index++));
        Walk(item, path, visit, w);
        path.resize(mark);
      }
      w.EndArray();
      return;
    }
    case simdjson::dom::element_type::STRING: {
      std::string_view text = e.get_string().value_unsafe();
      if (auto replaced = visit(path, text)) {
        w.String(*replaced);
      } else {
        w.String(text);
      }
      return;
    }
    default:
      w.Raw(simdjson::minify(e));
  }
}

}  // namespace

std::string RewriteJsonStrings(simdjson::dom::element root, const StringVisitor& visit) {
  JsonWriter w;
  std::string path;
  Walk(root, path, visit, w);
  return w.Take();
}

bool PathMatches(std::string_view path, std::string_view pattern) {
  while (!pattern.empty()) {
    size_t pe = pattern.find('.'), te = path.find('.');
    std::string_view p = pattern.substr(0, pe), t = path.substr(0, te);
    if (p == "#") {
      if (t.empty() || t.find_first_not_of("0123456789") != std::string_view::npos) return false;
    } else if (p != t) {
      return false;
    }
    if ((pe == std::string_view::npos) != (te == std::string_view::npos)) return false;
    if (pe == std::string_view::npos) return true;
    pattern.remove_prefix(pe + 1);
    path.remove_prefix(te + 1);
  }
  return path.empty();
}

}  // namespace bastion::gateway
