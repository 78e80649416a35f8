// A throwaway AT Protocol PDS for tests and benchmarks, with its own in-memory PLC directory.
//
//   node scripts/pds/pds.mjs            (node 22 from the cache; see scripts/pds-install)
//
// Everything it stores lives in a fresh temporary directory, removed when it stops.
// When both servers listen it prints one JSON line with their ports and addresses,
// then runs until SIGTERM/SIGINT or until its standard input closes (its parent died).

import { createECDH, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const HOST = '127.0.0.1'
const cacheDir = process.env.CHORUS_PDS_DIR
if (!cacheDir) {
  console.error('CHORUS_PDS_DIR must name the directory scripts/pds-install filled')
  process.exit(2)
}
// The packages live in the cache directory, not next to this script.
const requireFromCache = createRequire(join(cacheDir, 'package.json'))
const load = (name) => import(pathToFileURL(requireFromCache.resolve(name)).href)

const freePort = () =>
  new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, HOST, () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })

const listening = (server) =>
  new Promise((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })

const secret = () => randomBytes(16).toString('hex')

const secp256k1PrivateKeyHex = () => {
  const ecdh = createECDH('secp256k1')
  ecdh.generateKeys()
  return ecdh.getPrivateKey('hex').padStart(64, '0')
}

async function main() {
  const plcModule = await load('@did-plc/server')
  const { PlcServer, Database: PlcDatabase } = plcModule.default ?? plcModule
  const { PDS, envToCfg, envToSecrets, readEnv } = await load('@atproto/pds')

  const dataDir = mkdtempSync(join(tmpdir(), 'chorus-pds-'))
  let plc
  let pds
  let stopping = false
  const stop = async (code) => {
    if (stopping) return
    stopping = true
    try {
      await pds?.destroy()
      await plc?.destroy()
    } catch (error) {
      console.error(error)
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
      process.exit(code)
    }
  }
  process.on('SIGTERM', () => stop(0))
  process.on('SIGINT', () => stop(0))
  process.stdin.on('end', () => stop(0))
  process.stdin.on('error', () => stop(0))
  process.stdin.resume()

  try {
    const plcPort = await freePort()
    plc = PlcServer.create({ db: PlcDatabase.mock(), port: plcPort })
    // PlcServer.start() listens on every interface; loopback is enough.
    plc.server = plc.app.listen(plcPort, HOST)
    await listening(plc.server)

    const pdsPort = await freePort()
    Object.assign(process.env, {
      PDS_PORT: String(pdsPort),
      PDS_HOSTNAME: 'localhost',
      PDS_DEV_MODE: 'true',
      PDS_INVITE_REQUIRED: 'false',
      PDS_DATA_DIRECTORY: dataDir,
      PDS_BLOBSTORE_DISK_LOCATION: join(dataDir, 'blobs'),
      PDS_DID_PLC_URL: `http://${HOST}:${plcPort}`,
      // Tests may mint tokens of their own (an expired one, say) with a secret they chose.
      PDS_JWT_SECRET: process.env.PDS_JWT_SECRET || secret(),
      PDS_ADMIN_PASSWORD: secret(),
      PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX: secp256k1PrivateKeyHex(),
      PDS_RATE_LIMITS_ENABLED: 'false',
      PDS_CRAWLERS: '',
      LOG_ENABLED: process.env.LOG_ENABLED ?? 'false',
    })
    const env = readEnv()
    pds = await PDS.create(envToCfg(env), envToSecrets(env))
    // What PDS.start() does, listening on loopback only.
    await pds.ctx.sequencer.start()
    pds.server = pds.app.listen(pdsPort, HOST)
    pds.server.keepAliveTimeout = 90_000
    await listening(pds.server)

    process.stdout.write(
      JSON.stringify({
        pds_port: pdsPort,
        plc_port: plcPort,
        pds_url: `http://${HOST}:${pdsPort}`,
        plc_url: `http://${HOST}:${plcPort}`,
        data_dir: dataDir,
      }) + '\n',
    )
  } catch (error) {
    console.error(error)
    await stop(1)
  }
}

main()
