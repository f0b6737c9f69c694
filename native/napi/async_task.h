// Runs native work on a libuv worker thread and settles a Promise with the result, so the event loop
// never waits on a kernel. JS values the work reads or writes are held by references until it ends.
#pragma once
#include <napi.h>

#include <functional>
#include <string>
#include <vector>

namespace int8rt::napi {

class AsyncTask : public Napi::AsyncWorker {
 public:
  using Work = std::function<void()>;
  using Result = std::function<Napi::Value(Napi::Env)>;

  // keepAlive: values (typed arrays, buffers) that must outlive the work.
  static Napi::Promise start(Napi::Env env, const char* name, Work work, Result result,
                             const std::vector<Napi::Value>& keepAlive);

 protected:
  void Execute() override;
  void OnOK() override;
  void OnError(const Napi::Error& e) override;

 private:
  AsyncTask(Napi::Env env, const char* name, Work work, Result result);
  Napi::Promise::Deferred deferred_;
  Work work_;
  Result result_;
  std::vector<Napi::Reference<Napi::Value>> keepAlive_;
  std::string code_, message_;
  bool failed_ = false;
};

}  // namespace int8rt::napi
