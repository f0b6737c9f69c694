#include "napi/async_task.h"

#include "napi/errors.h"

namespace int8rt::napi {

AsyncTask::AsyncTask(Napi::Env env, const char* name, Work work, Result result)
    : Napi::AsyncWorker(env, name), deferred_(Napi::Promise::Deferred::New(env)),
      work_(std::move(work)), result_(std::move(result)) {}

Napi::Promise AsyncTask::start(Napi::Env env, const char* name, Work work, Result result,
                               const std::vector<Napi::Value>& keepAlive) {
  auto* task = new AsyncTask(env, name, std::move(work), std::move(result));
  for (const auto& v : keepAlive) task->keepAlive_.push_back(Napi::Persistent(v));
  Napi::Promise promise = task->deferred_.Promise();
  task->Queue();
  return promise;
}

void AsyncTask::Execute() {
  try {
    work_();
  } catch (...) {
    failed_ = true;
    describeCurrentException(&code_, &message_);
  }
}

void AsyncTask::OnOK() {
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  if (failed_) {
    deferred_.Reject(makeError(env, code_, message_).Value());
    return;
  }
  try {
    deferred_.Resolve(result_ ? result_(env) : env.Undefined());
  } catch (const Napi::Error& e) {
    deferred_.Reject(e.Value());
  }
}

void AsyncTask::OnError(const Napi::Error& e) { deferred_.Reject(e.Value()); }

}  // namespace int8rt::napi
