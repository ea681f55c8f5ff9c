// Shared by the addon's files: errno errors for JS, and the guard that
// switches the calling thread into a netns and back (or aborts).
#pragma once

#include <napi.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sched.h>
#include <string>
#include <unistd.h>

namespace berth {

inline Napi::Value ThrowErrno(Napi::Env env, int err, const std::string& what) {
  Napi::Error e = Napi::Error::New(env, what + ": " + strerror(err));
  e.Set("errno", Napi::Number::New(env, err));
  e.Set("syscall", Napi::String::New(env, what));
  e.ThrowAsJavaScriptException();
  return env.Undefined();
}

// Holds the thread's own netns and a target netns; Enter() switches, the
// destructor switches back or aborts.
class NetnsGuard {
 public:
  int Open(const std::string& target) {
    orig_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (orig_ < 0) return errno;
    target_ = open(target.c_str(), O_RDONLY | O_CLOEXEC);
    if (target_ < 0) return errno;
    return 0;
  }
  int Enter() {
    if (setns(target_, CLONE_NEWNET) != 0) return errno;
    entered_ = true;
    return 0;
  }
  ~NetnsGuard() {
    if (entered_ && setns(orig_, CLONE_NEWNET) != 0) {
      // Cannot continue safely: every later netlink/socket call would act
      // inside the container. Let the supervisor restart the daemon.
      abort();
    }
    if (target_ >= 0) close(target_);
    if (orig_ >= 0) close(orig_);
  }

 private:
  int orig_ = -1;
  int target_ = -1;
  bool entered_ = false;
};

// loopbackAliases(paths): the ifalias of `lo` in each netns (lo-alias.cc).
Napi::Value LoopbackAliases(const Napi::CallbackInfo& info);

// notifyDatagram(path, message): one AF_UNIX datagram (sd-notify.cc).
Napi::Value NotifyDatagram(const Napi::CallbackInfo& info);

}  // namespace berth
