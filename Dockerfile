# ephemera in a container: Node 24 + python3 (for python3.x functions), the npm package (the server
# bundled into dist/ by `npm pack`) with its production dependencies, tini as PID 1, non-root, on 0.0.0.0:3001.
#   docker build -t ephemera .
#   docker run --rm -p 127.0.0.1:3001:3001 -v "$PWD:/app:ro" ephemera start --template /app/template.yaml
# Behind a TLS-inspecting proxy, let npm trust its CA: --secret id=ca,src=/etc/ssl/certs/ca-certificates.crt
# Flags for namespace isolation, compose, volumes and the measured size: docs/container.md.

FROM node:24-bookworm-slim AS pack
WORKDIR /src
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=ca \
    if [ -s /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca; fi \
 && npm ci --no-audit --no-fund
COPY . .
# prepack bundles the server into dist/; the tarball holds exactly what `files` in package.json lists.
# Its production dependencies come from the npm cache the first `npm ci` filled. What the runtime
# never reads goes: type declarations, source maps, Markdown, packages' own tests, docs and benchmarks.
RUN --mount=type=secret,id=ca \
    if [ -s /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca; fi \
 && npm pack --pack-destination /tmp \
 && mkdir /pkg && tar xzf /tmp/ephemera-*.tgz -C /pkg --strip-components=1 \
 && cp package-lock.json /pkg/ \
 && cd /pkg && npm ci --omit=dev --prefer-offline --no-audit --no-fund && rm package-lock.json \
 && find node_modules -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' -o -name '*.md' \) \
      ! -iname 'licen[cs]e*' -delete \
 && find node_modules -regextype posix-extended -type d \
      -regex 'node_modules/(@[^/]+/)?[^/]+/(dist-types|test|tests|docs|benchmarks)' -prune -exec rm -rf {} +

# The runtime's file system: the base without npm, yarn, corepack, C headers, docs and node's debug
# symbols (strip: 127 -> 109 MB); python3 and tini from Debian; the mount points namespace isolation
# uses; a data dir the node user owns.
FROM node:24-bookworm-slim AS rootfs
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 tini binutils \
 && strip /usr/local/bin/node \
 && apt-get purge -y --auto-remove binutils \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/cache/apt/archives/*.deb /var/cache/debconf/*-old \
 && find /var/log -type f -delete \
 && rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
      /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-* /usr/local/include /usr/local/share/doc \
      /usr/local/share/man /usr/local/share/systemtap /usr/local/CHANGELOG.md /usr/local/README.md /usr/local/LICENSE \
 && mkdir -p /var/task /var/runtime /var/lang /var/lib/ephemera \
 && chown node:node /var/lib/ephemera
COPY --from=pack /pkg /opt/ephemera/

# One layer: files deleted above are really gone (a later RUN cannot shrink the layers under it).
FROM scratch
COPY --from=rootfs / /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    NODE_ENV=production \
    EPHEMERA_HOST=0.0.0.0 \
    EPHEMERA_PORT=3001
WORKDIR /opt/ephemera
USER node
EXPOSE 3001
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.EPHEMERA_PORT||3001)+'/_ephemera/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# tini (PID 1) forwards SIGTERM to ephemera and reaps the orphans a function's processes leave.
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/opt/ephemera/bin/ephemera.mjs"]
# With no template in the working directory, start refuses: the image's default serves the bundled example.
CMD ["start", "--example"]
