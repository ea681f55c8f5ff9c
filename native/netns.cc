// berth's native helpers: the few things Node cannot do itself.
//
// Rule (ARCHITECTURE.md §2, aesthetics P12): no function here ever returns to
// JS while the calling thread sits in a foreign network namespace. Each call
// switches in, does its work synchronously, switches back, and aborts the
// process if switching back fails (a thread stuck in a container's netns
// would silently configure the wrong network from then on).
#include "common.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <string>
#include <linux/filter.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

using berth::NetnsGuard;
using berth::ThrowErrno;

// Makes /run/netns a shared mount point the way `ip netns add` does, so a
// bind mount made under it is visible in every mount namespace.
int EnsureNetnsDir(const std::string& dir) {
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return errno;
  if (mount("", dir.c_str(), "none", MS_SHARED | MS_REC, nullptr) == 0) return 0;
  if (errno != EINVAL) return errno;
  if (mount(dir.c_str(), dir.c_str(), "none", MS_BIND | MS_REC, nullptr) != 0) return errno;
  if (mount("", dir.c_str(), "none", MS_SHARED | MS_REC, nullptr) != 0) return errno;
  return 0;
}

struct NsThreadArgs {
  std::string path;
  int err = 0;
  const char* where = "";
};

// Runs on a throwaway thread: unshare there, never on the JS thread.
void* NsThread(void* p) {
  auto* a = static_cast<NsThreadArgs*>(p);
  if (unshare(CLONE_NEWNET) != 0) {
    a->err = errno;
    a->where = "unshare";
  } else if (mount("/proc/thread-self/ns/net", a->path.c_str(), "none", MS_BIND, nullptr) != 0) {
    a->err = errno;
    a->where = "mount";
  }
  return nullptr;
}

// createNetns(dir, name): a new netns bind-mounted at dir/name.
Napi::Value CreateNetns(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string dir = info[0].As<Napi::String>();
  std::string name = info[1].As<Napi::String>();
  std::string path = dir + "/" + name;
  if (int err = EnsureNetnsDir(dir)) return ThrowErrno(env, err, "mount " + dir);
  int fd = open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
  if (fd < 0) return ThrowErrno(env, errno, "create " + path);
  close(fd);
  NsThreadArgs args;
  args.path = path;
  pthread_t t;
  if (int err = pthread_create(&t, nullptr, NsThread, &args)) {
    unlink(path.c_str());
    return ThrowErrno(env, err, "pthread_create");
  }
  pthread_join(t, nullptr);
  if (args.err) {
    unlink(path.c_str());
    return ThrowErrno(env, args.err, std::string(args.where) + " " + path);
  }
  return env.Undefined();
}

// deleteNetns(path): lazy unmount + unlink; a missing netns is not an error.
Napi::Value DeleteNetns(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = info[0].As<Napi::String>();
  if (umount2(path.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
    return ThrowErrno(env, errno, "umount " + path);
  }
  if (unlink(path.c_str()) != 0 && errno != ENOENT) return ThrowErrno(env, errno, "unlink " + path);
  return env.Undefined();
}

// withNetns(path, fn): calls fn synchronously inside the netns and returns
// its result. fn must be synchronous (e.g. a netlink socket constructor); a
// thenable result is refused because its continuation would run outside.
Napi::Value WithNetns(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = info[0].As<Napi::String>();
  Napi::Function fn = info[1].As<Napi::Function>();
  Napi::Value result;
  {
    NetnsGuard guard;
    if (int err = guard.Open(path)) return ThrowErrno(env, err, "open " + path);
    if (int err = guard.Enter()) return ThrowErrno(env, err, "setns " + path);
    result = fn.Call({});
  }  // switched back here (or aborted)
  if (env.IsExceptionPending()) return env.Undefined();
  if (result.IsObject() && result.As<Napi::Object>().Has("then")) {
    Napi::TypeError::New(env, "withNetns: callback must be synchronous").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return result;
}

// Creates an IPv4 socket bound to ip:port on the calling thread's netns.
// TCP: SO_REUSEADDR (so connections lingering in TIME_WAIT do not block a
// rebind) and listen() when backlog >= 0. UDP: no SO_REUSEADDR, so a port
// another program holds is refused. Returns the fd or -1 with err/where set.
int MakeBound(bool tcp, const sockaddr_in& addr, int backlog, int& err, std::string& where) {
  int fd = socket(AF_INET, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  if (fd < 0) { err = errno; where = "socket"; return -1; }
  if (tcp && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) { err = errno; where = "setsockopt"; }
  else if (bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) { err = errno; where = "bind"; }
  else if (tcp && backlog >= 0 && listen(fd, backlog) != 0) { err = errno; where = "listen"; }
  if (err) { close(fd); return -1; }
  return fd;
}

bool ParseAddr(Napi::Env env, const std::string& ip, int port, sockaddr_in& addr) {
  addr = sockaddr_in{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, ip.c_str(), &addr.sin_addr) == 1) return true;
  Napi::TypeError::New(env, "bad IPv4 address " + ip).ThrowAsJavaScriptException();
  return false;
}

// socketIn(path, "udp"|"tcp", ip, port, backlog): a bound (and, for TCP,
// listening) non-blocking IPv4 socket created inside the netns; returns fd.
Napi::Value SocketIn(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = info[0].As<Napi::String>();
  bool tcp = info[1].As<Napi::String>().Utf8Value() == "tcp";
  int backlog = info[4].IsNumber() ? info[4].As<Napi::Number>().Int32Value() : 128;
  sockaddr_in addr;
  if (!ParseAddr(env, info[2].As<Napi::String>(), info[3].As<Napi::Number>().Int32Value(), addr)) return env.Undefined();
  int fd = -1;
  int err = 0;
  std::string where;
  {
    NetnsGuard guard;
    if ((err = guard.Open(path))) where = "open " + path;
    else if ((err = guard.Enter())) where = "setns " + path;
    else fd = MakeBound(tcp, addr, backlog, err, where);
  }
  if (err) return ThrowErrno(env, err, where);
  return Napi::Number::New(env, fd);
}

// connectIn(path, ip, port): a non-blocking TCP socket created inside the
// netns and connecting to ip:port (EINPROGRESS is normal); returns the fd.
// The connection is made from the netns, so its egress rules apply.
Napi::Value ConnectIn(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = info[0].As<Napi::String>();
  sockaddr_in addr;
  if (!ParseAddr(env, info[1].As<Napi::String>(), info[2].As<Napi::Number>().Int32Value(), addr)) return env.Undefined();
  int fd = -1;
  int err = 0;
  std::string where;
  {
    NetnsGuard guard;
    if ((err = guard.Open(path))) where = "open " + path;
    else if ((err = guard.Enter())) where = "setns " + path;
    else {
      fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fd < 0) { err = errno; where = "socket"; }
      else if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) {
        err = errno; where = "connect";
        close(fd);
      }
    }
  }
  if (err) return ThrowErrno(env, err, where);
  return Napi::Number::New(env, fd);
}

// bindPort("udp"|"tcp", ip, port): reserves a host port in the caller's own
// netns, as Docker does: bound (TCP: listening, which also keeps any other
// SO_REUSEADDR socket off the port) with a drop-everything socket filter,
// so no packet is ever queued on it — published traffic is DNAT'ed anyway.
Napi::Value BindPort(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  bool tcp = info[0].As<Napi::String>().Utf8Value() == "tcp";
  sockaddr_in addr;
  if (!ParseAddr(env, info[1].As<Napi::String>(), info[2].As<Napi::Number>().Int32Value(), addr)) return env.Undefined();
  int err = 0;
  std::string where;
  int fd = MakeBound(tcp, addr, -1, err, where);
  if (err) return ThrowErrno(env, err, where);
  sock_filter drop_all[] = {{BPF_RET | BPF_K, 0, 0, 0}};
  sock_fprog prog = {1, drop_all};
  if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) != 0) { err = errno; where = "SO_ATTACH_FILTER"; }
  else if (tcp && listen(fd, 1) != 0) { err = errno; where = "listen"; }
  if (err) {
    close(fd);
    return ThrowErrno(env, err, where);
  }
  return Napi::Number::New(env, fd);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("createNetns", Napi::Function::New(env, CreateNetns));
  exports.Set("deleteNetns", Napi::Function::New(env, DeleteNetns));
  exports.Set("withNetns", Napi::Function::New(env, WithNetns));
  exports.Set("socketIn", Napi::Function::New(env, SocketIn));
  exports.Set("bindPort", Napi::Function::New(env, BindPort));
  exports.Set("connectIn", Napi::Function::New(env, ConnectIn));
  exports.Set("loopbackAliases", Napi::Function::New(env, berth::LoopbackAliases));
  exports.Set("notifyDatagram", Napi::Function::New(env, berth::NotifyDatagram));
  return exports;
}

}  // namespace

NODE_API_MODULE(berth_netns, Init)
