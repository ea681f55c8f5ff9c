// loopbackAliases(paths): berth marks the netns it owns with an ifalias on
// their `lo`; a start with a thousand containers reads a thousand of them.
// Each read: into the netns just long enough to open a NETLINK_ROUTE socket
// (the socket stays bound to that netns), back out, then one RTM_GETLINK
// for index 1 (`lo` is always the first device) — no link dump, no JS.
#include "common.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <vector>

namespace berth {
namespace {

constexpr int kLoopbackIndex = 1;
constexpr size_t kReplyBuffer = 32768;

// Reads the alias of `lo` through a NETLINK_ROUTE socket: 0 and `alias`
// (empty when it has none), or an errno.
int ReadLoopbackAlias(int fd, std::vector<char>& buf, std::string& alias) {
  struct {
    nlmsghdr h;
    ifinfomsg i;
  } req{};
  req.h.nlmsg_len = sizeof req;
  req.h.nlmsg_type = RTM_GETLINK;
  req.h.nlmsg_flags = NLM_F_REQUEST;
  req.h.nlmsg_seq = 1;
  req.i.ifi_family = AF_UNSPEC;
  req.i.ifi_index = kLoopbackIndex;
  if (send(fd, &req, sizeof req, 0) < 0) return errno;
  ssize_t n = recv(fd, buf.data(), buf.size(), 0);
  if (n < 0) return errno;
  auto* h = reinterpret_cast<nlmsghdr*>(buf.data());
  if (!NLMSG_OK(h, static_cast<size_t>(n))) return EBADMSG;
  if (h->nlmsg_type == NLMSG_ERROR) {
    int err = -static_cast<nlmsgerr*>(NLMSG_DATA(h))->error;
    return err > 0 ? err : EBADMSG;
  }
  if (h->nlmsg_type != RTM_NEWLINK) return EBADMSG;
  auto* ifi = static_cast<ifinfomsg*>(NLMSG_DATA(h));
  int len = IFLA_PAYLOAD(h);
  alias.clear();
  for (auto* a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    if ((a->rta_type & NLA_TYPE_MASK) != IFLA_IFALIAS) continue;
    const char* data = static_cast<const char*>(RTA_DATA(a));
    alias.assign(data, strnlen(data, RTA_PAYLOAD(a)));
  }
  return 0;
}

// A NETLINK_ROUTE socket made inside the netns at `path`, or -1 with errno set.
int RouteSocketIn(const std::string& path) {
  NetnsGuard guard;
  if (int err = guard.Open(path)) return errno = err, -1;
  if (int err = guard.Enter()) return errno = err, -1;
  return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
}  // switched back here (or aborted)

}  // namespace

// loopbackAliases(paths): for each netns path, the ifalias of its `lo`
// ("" when it has none), or null when the netns cannot be read.
Napi::Value LoopbackAliases(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray()) {
    Napi::TypeError::New(env, "loopbackAliases: an array of netns paths").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Array paths = info[0].As<Napi::Array>();
  Napi::Array out = Napi::Array::New(env, paths.Length());
  std::vector<char> buf(kReplyBuffer);
  const timeval timeout = {2, 0};
  for (uint32_t i = 0; i < paths.Length(); i++) {
    out.Set(i, env.Null());
    Napi::Value p = paths.Get(i);
    if (!p.IsString()) continue;
    int fd = RouteSocketIn(p.As<Napi::String>().Utf8Value());
    if (fd < 0) continue;
    std::string alias;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) == 0 && ReadLoopbackAlias(fd, buf, alias) == 0) {
      out.Set(i, Napi::String::New(env, alias));
    }
    close(fd);
  }
  return out;
}

}  // namespace berth
