// systemd's readiness protocol (sd_notify(3)) is one AF_UNIX datagram per
// notification; Node's dgram module has no AF_UNIX.
#include "common.h"

#include <cstddef>
#include <sys/socket.h>
#include <sys/un.h>

namespace berth {

// notifyDatagram(path, message): sends one datagram to the AF_UNIX datagram
// socket at path (a leading '@' means the abstract namespace, as sd_notify(3)
// reads $NOTIFY_SOCKET). Node's dgram module has no AF_UNIX, so the
// readiness protocol of systemd's Type=notify needs this. Synchronous: a
// notification must be sent before the daemon goes on (READY=1 before
// serving, STOPPING=1 before exiting). MSG_NOSIGNAL: a vanished receiver is
// an error, not a SIGPIPE.
Napi::Value NotifyDatagram(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = info[0].As<Napi::String>();
  std::string message = info[1].As<Napi::String>();
  bool abstract = !path.empty() && path[0] == '@';
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  // A path needs room for its terminating NUL; an abstract name does not.
  if (path.empty() || path.size() > sizeof addr.sun_path - (abstract ? 0 : 1)) {
    return ThrowErrno(env, path.empty() ? EINVAL : ENAMETOOLONG, "notify socket \"" + path + "\"");
  }
  memcpy(addr.sun_path, path.data(), path.size());
  if (abstract) addr.sun_path[0] = '\0';
  // Abstract names are not NUL-terminated: the length says where they end.
  socklen_t len = offsetof(sockaddr_un, sun_path) + path.size() + (abstract ? 0 : 1);
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ThrowErrno(env, errno, "socket");
  ssize_t n = sendto(fd, message.data(), message.size(), MSG_NOSIGNAL, reinterpret_cast<const sockaddr*>(&addr), len);
  int err = n < 0 ? errno : 0;
  close(fd);
  if (err) return ThrowErrno(env, err, "sendto " + path);
  return env.Undefined();
}

}  // namespace berth
