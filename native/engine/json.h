// A small JSON reader for the plan's graph section (no third-party JSON library is vendored).
// Strict RFC 8259 syntax; numbers are doubles. Malformed input throws Error(PlanCorrupt).
// Plans write non-finite floats as the strings "Infinity", "-Infinity" and "NaN": number() reads them.
#pragma once
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace int8rt::json {

class Value {
 public:
  enum class Kind { Null, Bool, Number, String, Array, Object };

  Value() = default;
  static Value makeBool(bool b);
  static Value makeNumber(double d);
  static Value makeString(std::string s);
  static Value makeArray(std::vector<Value> items);
  static Value makeObject(std::map<std::string, Value> members);

  Kind kind() const { return kind_; }
  bool isNull() const { return kind_ == Kind::Null; }
  bool isNumber() const { return kind_ == Kind::Number; }
  bool isString() const { return kind_ == Kind::String; }
  bool isArray() const { return kind_ == Kind::Array; }
  bool isObject() const { return kind_ == Kind::Object; }

  // Typed accessors; the wrong kind throws Error(PlanCorrupt) naming `what`.
  bool boolean(const char* what = "value") const;
  double number(const char* what = "value") const;
  int64_t integer(const char* what = "value") const;  // a number that is a whole value
  const std::string& string(const char* what = "value") const;
  const std::vector<Value>& array(const char* what = "value") const;
  const std::map<std::string, Value>& object(const char* what = "value") const;

  // Object member or nullptr when absent (or when this is not an object).
  const Value* find(const std::string& key) const;
  // Object member that must be present.
  const Value& at(const std::string& key) const;

 private:
  Kind kind_ = Kind::Null;
  bool bool_ = false;
  double number_ = 0;
  std::string string_;
  std::shared_ptr<std::vector<Value>> array_;
  std::shared_ptr<std::map<std::string, Value>> object_;
};

// Parses a whole document (trailing non-space text is an error).
Value parse(const char* text, size_t length);

}  // namespace int8rt::json
