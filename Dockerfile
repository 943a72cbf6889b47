# policy-gate container images.
#
#   docker build -t policy-gate .                       the gate: policy-gate and git on Debian 12 (slim)
#   docker build --target agent -t policy-gate-agent .  the gate on Node.js, for a job that runs
#                                                       `policy-gate run|agent -- claude …` (examples/)
#
# Both run `policy-gate --version` while building, which prints the gate's version and the libgit2
# and PCRE2 versions it loaded, so an image whose libraries do not match the binary fails to build.
# In CI, refer to the published images by digest, and mirror the base images below by digest too.

ARG SWIFT_VERSION=6.3
ARG RUNTIME_IMAGE=debian:bookworm-slim
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: the official Swift toolchain on Debian 12, with the C libraries' headers ----------------
FROM swift:${SWIFT_VERSION}-bookworm AS build
RUN export DEBIAN_FRONTEND=noninteractive \
 && apt-get update -q \
 && apt-get install -y -q --no-install-recommends pkg-config libgit2-dev libpcre2-dev libdeflate-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The manifest first, so the dependencies are fetched again only when it changes.
COPY Package.swift ./
RUN swift package resolve
# SwiftPM checks that every target's folder exists, test targets included.
COPY Sources ./Sources
COPY Tests ./Tests
# The Swift runtime and Foundation are linked in (--static-swift-stdlib); libgit2 and PCRE2 stay
# shared libraries from Debian, so the runtime images install the packages the -dev ones belong to.
# What stays dynamic: libgit2 (and what it pulls in), libpcre2-8, libstdc++ and glibc. Stripping
# takes the binary from about 99 MB to 66 MB. policy-gate-hook, the live hook's client under the runner,
# links only the C library and the Swift runtime: the runner installs it when it is next to the gate.
RUN swift build -c release --product policy-gate --static-swift-stdlib \
 && swift build -c release --product policy-gate-hook --static-swift-stdlib \
 && install -D -s -m 0755 "$(swift build -c release --show-bin-path)/policy-gate" /out/policy-gate \
 && install -D -s -m 0755 "$(swift build -c release --show-bin-path)/policy-gate-hook" /out/policy-gate-hook

# ---- agent: policy-gate on Node.js, for jobs that install Claude Code and run it under the gate -----
# util-linux's setpriv switches the agent to its own user; the job itself stays root so the gate can.
FROM ${NODE_IMAGE} AS agent
RUN export DEBIAN_FRONTEND=noninteractive \
 && apt-get update -q \
 && apt-get install -y -q --no-install-recommends libgit2-1.5 libpcre2-8-0 libdeflate0 libcurl4 git ca-certificates util-linux \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/policy-gate /out/policy-gate-hook /usr/local/bin/
RUN policy-gate --version
CMD ["policy-gate", "--help"]

# ---- gate (default): policy-gate, git (the CI scripts fetch the policy branch) and the libraries -----
FROM ${RUNTIME_IMAGE} AS gate
LABEL org.opencontainers.image.title="policy-gate" \
      org.opencontainers.image.description="Governance gate for merge requests written by AI coding agents"
# libcurl4: Foundation's URLSession, which --annotate uses, goes through libcurl.
RUN export DEBIAN_FRONTEND=noninteractive \
 && apt-get update -q \
 && apt-get install -y -q --no-install-recommends libgit2-1.5 libpcre2-8-0 libdeflate0 libcurl4 libstdc++6 git ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/policy-gate /out/policy-gate-hook /usr/local/bin/
RUN policy-gate --version
# No ENTRYPOINT: GitLab runs a job's script through a shell in the job's image. The user stays root,
# as GitLab's checkout in the build folder belongs to root and the gate's jobs run git in it.
CMD ["policy-gate", "--help"]
