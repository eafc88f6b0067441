# ephemera in a container: Node 24 + python3 (for python3.x functions), the npm package (the server
# bundled into dist/ by `npm pack`), production dependencies only, non-root by default, on 0.0.0.0:3001.
#   docker build -t ephemera .
#   docker run --rm -p 3001:3001 -v "$PWD:/work:ro" ephemera start --template /work/template.yaml
# SQS queues survive restarts with a volume: -v ephemera-data:/var/lib/ephemera -e EPHEMERA_DATA_DIR=/var/lib/ephemera
# Namespace / cgroup isolation need extra flags: see "Docker and docker compose" in README.md.

FROM node:24-bookworm-slim AS pack
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# prepack bundles the server into dist/; the tarball holds exactly what `files` in package.json lists.
RUN npm pack --pack-destination /tmp \
 && mkdir /pkg && tar xzf /tmp/ephemera-*.tgz -C /pkg --strip-components=1 \
 && cp package-lock.json /pkg/

FROM node:24-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/task /var/runtime /var/lang /var/lib/ephemera \
 && chown node:node /var/lib/ephemera
WORKDIR /opt/ephemera
COPY --from=pack /pkg ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
ENV NODE_ENV=production \
    EPHEMERA_HOST=0.0.0.0 \
    EPHEMERA_PORT=3001
USER node
EXPOSE 3001
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.EPHEMERA_PORT||3001)+'/_ephemera/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "/opt/ephemera/bin/ephemera.mjs"]
CMD ["start"]
