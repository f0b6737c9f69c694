#include "engine/json.h"

#include <cmath>
#include <cstdlib>
#include <limits>

#include "core/error.h"

namespace int8rt::json {

namespace {

[[noreturn]] void corrupt(const std::string& why) { throw Error(ErrorCode::PlanCorrupt, "plan is corrupt: " + why); }

// Nesting depth limit: a hostile plan must not overflow the stack.
constexpr int kMaxDepth = 64;

class Parser {
 public:
  Parser(const char* p, size_t n) : p_(p), end_(p + n) {}

  Value document() {
    Value v = value(0);
    skipSpace();
    if (p_ != end_) fail("unexpected text after the JSON document");
    return v;
  }

 private:
  const char* p_;
  const char* end_;

  [[noreturn]] void fail(const char* why) { corrupt(std::string("bad JSON section (") + why + ")"); }

  void skipSpace() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  bool consume(const char* word) {
    const char* q = p_;
    for (; *word; ++word, ++q)
      if (q >= end_ || *q != *word) return false;
    p_ = q;
    return true;
  }

  Value value(int depth) {
    if (depth > kMaxDepth) fail("nested too deeply");
    skipSpace();
    if (p_ >= end_) fail("unexpected end");
    switch (*p_) {
      case '{': return object(depth);
      case '[': return array(depth);
      case '"': return Value::makeString(string());
      case 't': if (consume("true")) return Value::makeBool(true); break;
      case 'f': if (consume("false")) return Value::makeBool(false); break;
      case 'n': if (consume("null")) return Value(); break;
      default: return Value::makeNumber(number());
    }
    fail("unknown literal");
  }

  Value object(int depth) {
    ++p_;  // {
    std::map<std::string, Value> members;
    skipSpace();
    if (p_ < end_ && *p_ == '}') { ++p_; return Value::makeObject(std::move(members)); }
    for (;;) {
      skipSpace();
      if (p_ >= end_ || *p_ != '"') fail("expected a member name");
      std::string key = string();
      skipSpace();
      if (p_ >= end_ || *p_ != ':') fail("expected ':'");
      ++p_;
      members[key] = value(depth + 1);
      skipSpace();
      if (p_ < end_ && *p_ == ',') { ++p_; continue; }
      if (p_ < end_ && *p_ == '}') { ++p_; return Value::makeObject(std::move(members)); }
      fail("expected ',' or '}'");
    }
  }

  Value array(int depth) {
    ++p_;  // [
    std::vector<Value> items;
    skipSpace();
    if (p_ < end_ && *p_ == ']') { ++p_; return Value::makeArray(std::move(items)); }
    for (;;) {
      items.push_back(value(depth + 1));
      skipSpace();
      if (p_ < end_ && *p_ == ',') { ++p_; continue; }
      if (p_ < end_ && *p_ == ']') { ++p_; return Value::makeArray(std::move(items)); }
      fail("expected ',' or ']'");
    }
  }

  static void appendUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) out += static_cast<char>(cp);
    else if (cp < 0x800) { out += static_cast<char>(0xC0 | (cp >> 6)); out += static_cast<char>(0x80 | (cp & 0x3F)); }
    else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  uint32_t hex4() {
    if (end_ - p_ < 4) fail("short \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i, ++p_) {
      char c = *p_;
      v <<= 4;
      if (c >= '0' && c <= '9') v |= c - '0';
      else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
      else fail("bad \\u escape");
    }
    return v;
  }

  std::string string() {
    ++p_;  // opening quote
    std::string out;
    while (p_ < end_ && *p_ != '"') {
      unsigned char c = static_cast<unsigned char>(*p_++);
      if (c < 0x20) fail("control character in a string");
      if (c != '\\') { out += static_cast<char>(c); continue; }
      if (p_ >= end_) fail("unterminated escape");
      char e = *p_++;
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t cp = hex4();
          if (cp >= 0xD800 && cp < 0xDC00) {  // a surrogate pair
            if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') fail("lone surrogate");
            p_ += 2;
            uint32_t lo = hex4();
            if (lo < 0xDC00 || lo > 0xDFFF) fail("bad surrogate pair");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          appendUtf8(out, cp);
          break;
        }
        default: fail("unknown escape");
      }
    }
    if (p_ >= end_) fail("unterminated string");
    ++p_;  // closing quote
    return out;
  }

  double number() {
    const char* start = p_;
    if (p_ < end_ && *p_ == '-') ++p_;
    auto digits = [&] {
      const char* s = p_;
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
      return p_ - s;
    };
    if (p_ < end_ && *p_ == '0') ++p_;
    else if (digits() == 0) fail("bad number");
    if (p_ < end_ && *p_ == '.') { ++p_; if (digits() == 0) fail("bad fraction"); }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (digits() == 0) fail("bad exponent");
    }
    // strtod needs a terminated string; numbers are short.
    std::string text(start, p_);
    return std::strtod(text.c_str(), nullptr);
  }
};

}  // namespace

Value Value::makeBool(bool b) { Value v; v.kind_ = Kind::Bool; v.bool_ = b; return v; }
Value Value::makeNumber(double d) { Value v; v.kind_ = Kind::Number; v.number_ = d; return v; }
Value Value::makeString(std::string s) { Value v; v.kind_ = Kind::String; v.string_ = std::move(s); return v; }
Value Value::makeArray(std::vector<Value> items) {
  Value v; v.kind_ = Kind::Array; v.array_ = std::make_shared<std::vector<Value>>(std::move(items)); return v;
}
Value Value::makeObject(std::map<std::string, Value> members) {
  Value v; v.kind_ = Kind::Object; v.object_ = std::make_shared<std::map<std::string, Value>>(std::move(members)); return v;
}

bool Value::boolean(const char* what) const {
  if (kind_ != Kind::Bool) corrupt(std::string(what) + " is not a boolean");
  return bool_;
}

double Value::number(const char* what) const {
  if (kind_ == Kind::Number) return number_;
  if (kind_ == Kind::String) {
    if (string_ == "Infinity") return std::numeric_limits<double>::infinity();
    if (string_ == "-Infinity") return -std::numeric_limits<double>::infinity();
    if (string_ == "NaN") return std::numeric_limits<double>::quiet_NaN();
  }
  corrupt(std::string(what) + " is not a number");
}

int64_t Value::integer(const char* what) const {
  double d = number(what);
  if (!(std::fabs(d) <= 9007199254740992.0) || d != std::floor(d)) corrupt(std::string(what) + " is not an integer");
  return static_cast<int64_t>(d);
}

const std::string& Value::string(const char* what) const {
  if (kind_ != Kind::String) corrupt(std::string(what) + " is not a string");
  return string_;
}

const std::vector<Value>& Value::array(const char* what) const {
  if (kind_ != Kind::Array) corrupt(std::string(what) + " is not an array");
  return *array_;
}

const std::map<std::string, Value>& Value::object(const char* what) const {
  if (kind_ != Kind::Object) corrupt(std::string(what) + " is not an object");
  return *object_;
}

const Value* Value::find(const std::string& key) const {
  if (kind_ != Kind::Object) return nullptr;
  auto it = object_->find(key);
  return it == object_->end() ? nullptr : &it->second;
}

const Value& Value::at(const std::string& key) const {
  const Value* v = find(key);
  if (!v) corrupt("missing field '" + key + "'");
  return *v;
}

Value parse(const char* text, size_t length) { return Parser(text, length).document(); }

}  // namespace int8rt::json
