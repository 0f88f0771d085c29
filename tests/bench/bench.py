#!/usr/bin/python3
"""make bench: jupyssh measured side by side with what it replaces, in one
run, as medians and ratios (never as pass/fail: these machines are shared
and noisy). Needs root and the test sandbox (tests/e2e/setup brings it up).
Writes the table and the machine to tests/bench/RESULTS.md."""

import os, platform, re, signal, statistics, subprocess, sys, time
import urllib.request

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
ROOT = '/tmp/jupyssh-sandbox'
PREFIX = ROOT + '/prefix'
SHIM = PREFIX + '/lib/libjupyssh.so'
BENCH = ROOT + '/bench'
LAPTOP, REMOTE = 'jslaptop', 'jsgpu'
LHOME, RHOME = '/home/' + LAPTOP, '/home/' + REMOTE
AS_LAPTOP = TOP + '/tests/sandbox/as-laptop'
QUICK = os.environ.get('BENCH_QUICK') == '1'
rows = []


def laptop(args, preload=True, **kw):
    env = dict(os.environ, JUPYSSH_PREFIX=PREFIX,
               AS_LAPTOP_ENV=('LD_PRELOAD=' + SHIM) if preload else '')
    return subprocess.Popen([AS_LAPTOP] + args, env=env, **kw)


def laptop_run(args, preload=True, **kw):
    p = laptop(args, preload, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
               **kw)
    out, err = p.communicate(timeout=300)
    return p.returncode, out.decode(errors='replace'), err.decode(errors='replace')


def put(path, text, mode=0o600):
    with open(path, 'w') as f:
        f.write(text)
    os.chmod(path, mode)
    subprocess.run(['chown', LAPTOP + ':' + LAPTOP, path], check=True)


def reset():
    subprocess.run(['pkill', '-u', LAPTOP], stderr=subprocess.DEVNULL)
    subprocess.run(['pkill', '-u', REMOTE], stderr=subprocess.DEVNULL)
    for _ in range(100):
        if subprocess.run(['pgrep', '-u', REMOTE, '-f', 'jupyter'],
                          stdout=subprocess.DEVNULL).returncode:
            break
        time.sleep(0.05)
    subprocess.run(['rm', '-rf', RHOME + '/.local/state/jupyssh',
                    LHOME + '/.local/state/jupyssh'])
    subprocess.run('rm -f %s/.ssh/jupyssh-* %s/.ssh/cm-*' % (LHOME, LHOME),
                   shell=True)


def http_ok(url):
    base, token = url.split('/?token=')
    req = urllib.request.Request(base + '/api/status',
                                 headers={'Authorization': 'token ' + token})
    try:
        return urllib.request.urlopen(req, timeout=2).status == 200
    except Exception:
        return False


def wait_http(url, t0, limit=120):
    while time.monotonic() - t0 < limit:
        if http_ok(url):
            return time.monotonic() - t0
        time.sleep(0.02)
    raise RuntimeError('no answer from ' + url)


def spawn_bench(rounds, cmd):
    """Medians in microseconds for: no preload, an empty library, the shim."""
    empty = BENCH + '/libempty.so'
    p = laptop([BENCH + '/spawn_bench', str(rounds), '-', empty, SHIM, '--']
               + cmd, preload=False, stdout=subprocess.PIPE)
    out = p.communicate()[0].decode().split('\n')
    med = {}
    for line in out:
        if line:
            name, m, _, _ = line.split()
            med[name] = float(m)
    return med['-'], med[empty], med[SHIM]


def row(what, ours, theirs, unit, target, fmt='%.1f'):
    ratio = ours / theirs if theirs else float('nan')
    rows.append((what, fmt % ours + ' ' + unit, fmt % theirs + ' ' + unit,
                 '%.3f' % ratio, target))
    print('%-48s %12s %12s %7s  %s' % rows[-1], flush=True)


def overhead():
    n = 60 if QUICK else 400
    cases = [
            ('ssh -G gpu-box (translated)', ['ssh', '-G', 'gpu-box'], '≤ 1.02'),
            ('ssh -G other (not a Jupyter host)', ['ssh', '-G', 'other'], '≤ 1.02'),
            # ssh exits in its getopt loop: what is left is the shim's
            # constructor, which learns the client from its image.
            ('ssh -V (which client; no config read)', ['ssh', '-V'], '≤ 1.02'),
            ('/bin/true', ['/bin/true'], '≤ 1.02'),
            ('sh -c :', ['sh', '-c', ':'], '≤ 1.02')]
    # The oldest and newest clients make check-openssh builds, if built.
    for tag, name in (('V_7_4_P1', '7.4p1'), ('V_10_5_P1', '10.5p1')):
        client = TOP + '/build/openssh/' + tag + '/bin/ssh'
        if os.access(client, os.X_OK):
            cases.insert(2, ('OpenSSH %s ssh -G gpu-box (translated)' % name,
                             [client, '-G', 'gpu-box'], '≤ 1.02'))
    for what, cmd, target in cases:
        none, empty, shim = spawn_bench(n if 'ssh' in cmd[0] else n * 3, cmd)
        row(what + ': shim / no preload', shim, none, 'µs', target)
        row(what + ': shim / empty .so', shim, empty, 'µs', target)


def ssh_rss():
    out = []
    for preload in (False, True):
        p = laptop(['ssh', '-G', 'gpu-box'], preload, stdout=subprocess.DEVNULL)
        _, _, ru = os.wait4(p.pid, 0)
        out.append(ru.ru_maxrss)
    row('ssh -G peak RSS: with shim / without', out[1], out[0], 'KiB',
        '(what the shim adds)', '%d')


def start_ssh_n():
    """ssh -N gpu-box with the shim; returns (proc, seconds to URL, URL)."""
    t0 = time.monotonic()
    p = laptop(['ssh', '-N', 'gpu-box'], stderr=subprocess.PIPE)
    buf = b''
    while True:
        chunk = os.read(p.stderr.fileno(), 4096)
        if not chunk:
            raise RuntimeError('ssh -N ended: ' + buf.decode())
        buf += chunk
        m = re.search(rb'(ready|running): (http://127\.0\.0\.1:\d+/\?token=[0-9a-f]+)', buf)
        if m:
            return p, t0, m.group(2).decode()


def cold():
    rounds = 2 if QUICK else 5
    ours, classic = [], []
    for _ in range(rounds):
        reset()
        p, t0, url = start_ssh_n()
        ours.append(wait_http(url, t0))
        p.terminate()
        p.wait()
        reset()
        token = 'benchtoken0123456789'
        t0 = time.monotonic()
        laptop_run(['ssh', 'gpu-box',
                    'cd project; . venv/bin/activate; JUPYTER_TOKEN=%s nohup '
                    'jupyter notebook --no-browser --ip=127.0.0.1 --port=18889 '
                    '>nb.log 2>&1 </dev/null &' % token], preload=False)
        # ssh -f keeps the stdout and stderr it was given: not pipes.
        laptop(['ssh', '-f', '-N', '-o', 'ExitOnForwardFailure=yes', '-L',
                '127.0.0.1:18889:127.0.0.1:18889', 'gpu-box'], preload=False,
               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
               stderr=subprocess.DEVNULL).wait(timeout=60)
        classic.append(wait_http('http://127.0.0.1:18889/?token=' + token, t0))
    reset()
    row('cold time-to-URL answering: ssh gpu-box / classic',
        statistics.median(ours), statistics.median(classic), 's',
        'classic + ≤ 0.3 s (%+.2f s)' % (statistics.median(ours) -
                                         statistics.median(classic)), '%.2f')


def warm():
    rounds = 3 if QUICK else 7
    reset()
    p, t0, url = start_ssh_n()
    wait_http(url, t0)
    p.terminate()
    p.wait()
    ours, plain = [], []
    for _ in range(rounds):
        p, t0, url = start_ssh_n()
        ours.append(wait_http(url, t0))
        p.terminate()
        p.wait()
        t0 = time.monotonic()
        laptop_run(['ssh', 'gpu-box', 'true'], preload=False)
        plain.append(time.monotonic() - t0)
    reset()
    row('warm time-to-URL: ssh gpu-box / ssh gpu-box true',
        statistics.median(ours), statistics.median(plain), 's',
        'plain + ≤ 0.05 s (%+.3f s)' % (statistics.median(ours) -
                                          statistics.median(plain)), '%.3f')


def worker_rss():
    reset()
    p = laptop(['ssh', '-N', 'gpu-box'], stderr=subprocess.PIPE)
    peak, t0 = 0, time.monotonic()
    while time.monotonic() - t0 < 120:
        pids = subprocess.run(['pgrep', '-u', LAPTOP, '-f', 'jupyssh hook'],
                              stdout=subprocess.PIPE).stdout.split()
        for pid in pids:
            try:
                with open('/proc/%s/status' % pid.decode()) as f:
                    m = re.search(r'VmHWM:\s+(\d+)', f.read())
                    peak = max(peak, int(m.group(1)))
            except (OSError, AttributeError):
                pass
        if os.path.exists(LHOME + '/.local/state/jupyssh/gpu-box.url') and peak:
            break
        time.sleep(0.01)
    p.terminate()
    p.wait()
    reset()
    row('helper worker peak RSS / 2 MiB target', peak, 2048, 'KiB', '≤ 1.0',
        '%d')


def keep_state():
    try:
        with open(LHOME + '/.local/state/jupyssh/gpu-box.keep') as f:
            return f.read()
    except OSError:
        return ''


def healing():
    """Seconds from the link's return to the URL answering again, after a
    reset (the transport killed) and a blackhole (it frozen, noticed by
    keepalives), the way back closed meanwhile; the keeper's peak RSS."""
    sock = ROOT + '/remote.sock'
    reset()
    rc, url, err = laptop_run(['jupyssh', 'start', 'gpu-box'])
    url = url.strip()
    if rc != 0:
        raise RuntimeError('jupyssh start: ' + err)
    times = {'reset': [], 'blackhole': []}
    for _ in range(1 if QUICK else 3):
        for kind in ('reset', 'blackhole'):
            wait_http(url, time.monotonic(), 60)
            pids = subprocess.run(['pgrep', '-u', LAPTOP, '-x', 'socat'],
                                  stdout=subprocess.PIPE).stdout.split()
            os.rename(sock, sock + '.off')
            for pid in pids:
                os.kill(int(pid), signal.SIGKILL if kind == 'reset'
                        else signal.SIGSTOP)
            t = time.monotonic()
            while ' reconnecting ' not in keep_state():
                if time.monotonic() - t > 90:
                    raise RuntimeError('the keeper never noticed: ' +
                                       keep_state())
                time.sleep(0.1)
            time.sleep(12)      # well into the backoff
            t0 = time.monotonic()
            os.rename(sock + '.off', sock)
            times[kind].append(wait_http(url, t0, 120))
            for pid in pids:
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except OSError:
                    pass
    for kind in ('reset', 'blackhole'):
        row('URL answers again after a %s: s from the link\'s return '
            '/ 10 s target' % kind, statistics.median(times[kind]), 10, 's',
            '≤ 1.0')
    peak = 0
    for pid in subprocess.run(['pgrep', '-u', LAPTOP, '-f', 'jupyssh keep'],
                              stdout=subprocess.PIPE).stdout.split():
        with open('/proc/%s/status' % pid.decode()) as f:
            m = re.search(r'VmHWM:\s+(\d+)', f.read())
            peak = max(peak, int(m.group(1)))
    reset()
    row('keeper (jupyssh keep) peak RSS / 2 MiB target', peak, 2048, 'KiB',
        '≤ 1.0', '%d')


def throughput():
    size = (256 if QUICK else 1024) << 20
    bridge = subprocess.Popen(['socat', 'TCP4-LISTEN:22222,bind=127.0.0.1,'
                               'fork,reuseaddr', 'UNIX-CONNECT:' + ROOT +
                               '/remote.sock'], stderr=subprocess.DEVNULL)
    time.sleep(0.3)
    with open(ROOT + '/ssh_config.orig') as f:
        base = f.read()
    put(LHOME + '/.ssh/config', base + '''
Host direct viaproxy viasocat
    HostName 127.0.0.1
    Port 22222
    HostKeyAlias gpu-box
    User jsgpu
    IdentityFile ~/.ssh/id_ed25519
    BatchMode yes
    Ciphers aes128-gcm@openssh.com
    Compression no
Host viaproxy
    ProxyCommand jupyssh proxy %h %p
Host viasocat
    ProxyCommand socat - TCP:%h:%p
''')
    speeds = {'direct': [], 'viaproxy': [], 'viasocat': []}
    rounds = 1 if QUICK else 3
    for r in range(rounds):
        for host in ('direct', 'viaproxy', 'viasocat')[r % 3:] + \
                ('direct', 'viaproxy', 'viasocat')[:r % 3]:
            t0 = time.monotonic()
            rc, _, err = laptop_run(['sh', '-c', 'head -c %d /dev/zero | ssh %s '
                                     '"cat > /dev/null"' % (size, host)],
                                    preload=False)
            if rc:
                raise RuntimeError(host + ': ' + err)
            speeds[host].append(size / (time.monotonic() - t0) / 1e6)
    bridge.terminate()
    put(LHOME + '/.ssh/config', base)
    d, p, s = (statistics.median(speeds[h]) for h in ('direct', 'viaproxy', 'viasocat'))
    row('%d MiB through jupyssh proxy / direct' % (size >> 20), p, d, 'MB/s',
        '≥ 0.95')
    row('%d MiB through jupyssh proxy / socat proxy' % (size >> 20), p, s,
        'MB/s', '≥ 1.0')


def machine():
    cpu = '?'
    with open('/proc/cpuinfo') as f:
        m = re.search(r'model name\s*:\s*(.*)', f.read())
        if m:
            cpu = m.group(1)
    ssh = subprocess.run(['ssh', '-V'], stderr=subprocess.PIPE).stderr.decode().strip()
    nb = subprocess.run(['jupyter-notebook', '--version'],
                        stdout=subprocess.PIPE).stdout.decode().strip()
    return ('%s, %d cores, kernel %s, %s, Jupyter Notebook %s' %
            (cpu, os.cpu_count(), platform.release(), ssh, nb))


def hanging_list():
    """jupyssh list of 1 live + 4 hanging hosts, against the list of the
    live one alone: the hosts are asked at once, each bounded by its
    ConnectTimeout (10 s), so the hanging ones add about one timeout, not
    four."""
    reset()
    orig = open(ROOT + '/ssh_config.orig').read()
    jc = LHOME + '/.ssh/jupyter_config'
    saved = open(jc).read()
    put(LHOME + '/.ssh/config', orig + 'Host hang1 hang2 hang3 hang4\n'
        '    ProxyCommand sleep 600\n    BatchMode yes\n')
    times = {}
    for name, extra in (('live', ''), ('hanging',
                        'Host hang1 hang2 hang3 hang4\n    JupyterPort 18889\n')):
        put(jc, saved + extra)
        t0 = time.monotonic()
        laptop_run(['jupyssh', 'list'], stdin=subprocess.DEVNULL)
        times[name] = time.monotonic() - t0
    put(jc, saved)
    put(LHOME + '/.ssh/config', orig)
    reset()
    row('list, 1 live + 4 hanging hosts / 1 live + one 10 s timeout',
        times['hanging'], times['live'] + 10.0, 's',
        '≈ 1.0 (serial: 4 timeouts)', fmt='%.1f')


def main():
    if os.geteuid() != 0:
        sys.exit('bench: run as root (it uses the test sandbox)')
    subprocess.run([TOP + '/tests/e2e/setup'], check=True)
    os.makedirs(BENCH, exist_ok=True)
    subprocess.run(['cc', '-O2', '-std=c11', '-D_GNU_SOURCE', '-o',
                    BENCH + '/spawn_bench', TOP + '/tests/bench/spawn_bench.c'],
                   check=True)
    subprocess.run(['cc', '-O2', '-shared', '-fPIC', '-o', BENCH +
                    '/libempty.so', TOP + '/tests/bench/empty.c'], check=True)
    reset()
    put(LHOME + '/.ssh/jupyter_config', 'Host gpu-box\n    JupyterPort 18889\n'
        '    JupyterDirectory ~/project\n    JupyterEnv ~/project/venv\n')
    print('%-48s %12s %12s %7s  %s' % ('what', 'jupyssh', 'baseline',
                                       'ratio', 'target'))
    overhead()
    ssh_rss()
    cold()
    warm()
    worker_rss()
    healing()
    hanging_list()
    throughput()
    when = time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())
    with open(TOP + '/tests/bench/RESULTS.md', 'w') as f:
        f.write('# Benchmark results\n\nMeasured by `make bench` on %s%s.\n'
                'Machine: %s.\n\n' % (when, ' (BENCH_QUICK)' if QUICK else '',
                                       machine()))
        f.write('Each row runs both sides in the same run, interleaved; '
                'medians. Start-up costs are\nmicroseconds of one '
                'posix_spawn+wait; "empty .so" is a preloaded library that '
                'does\nnothing, the floor for any preload.\n\n')
        f.write('| what | jupyssh | baseline | ratio | target |\n'
                '| --- | ---: | ---: | ---: | --- |\n')
        for r in rows:
            f.write('| %s | %s | %s | %s | %s |\n' % r)
    if not os.environ.get('KEEP_SANDBOX'):
        subprocess.run([TOP + '/tests/sandbox/sandbox.sh', 'down'])


if __name__ == '__main__':
    main()
