# Runs a series of Debian's aws CLI commands in one Python process, through the function /usr/bin/aws
# itself calls (awscli.clidriver.main(), which reads sys.argv), so botocore's models load once instead
# of once per command. Requests are JSON lines on stdin ({args, env, cwd}); each answer ({code, stdout,
# stderr}) is one JSON line on fd 3. Each command gets its own environment, directory, driver and
# session, and an empty stdin; its stdout and stderr are captured as the executable's would be.
import io
import json
import os
import sys

before = dict(os.environ)
import awscli.clidriver  # noqa: E402 (importing it sets AWS_DATA_PATH, as it does in /usr/bin/aws)

cli_added = {k: v for k, v in os.environ.items() if before.get(k) != v}
answers = os.fdopen(3, 'w', encoding='utf-8')
commands = sys.stdin


def run():
    try:
        return awscli.clidriver.main()
    except SystemExit as e:  # what /usr/bin/aws's sys.exit would turn into its exit code
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)


for line in commands:
    req = json.loads(line)
    os.environ.clear()
    os.environ.update(req['env'])
    os.environ.update(cli_added)
    if os.environ.get('LC_CTYPE', '') == 'UTF-8':  # as /usr/bin/aws does before importing the CLI
        os.environ['LC_CTYPE'] = 'en_US.UTF-8'
    os.chdir(req['cwd'])
    sys.argv = ['/usr/bin/aws', *req['args']]  # what main() parses; argparse names the program after argv[0]
    out = io.TextIOWrapper(io.BytesIO(), encoding='utf-8', errors='strict', write_through=True)
    err = io.TextIOWrapper(io.BytesIO(), encoding='utf-8', errors='replace', write_through=True)
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(''), out, err
    try:
        code = run()
    finally:
        sys.stdin, sys.stdout, sys.stderr = commands, sys.__stdout__, sys.__stderr__
    answers.write(json.dumps({
        'code': code,
        'stdout': out.buffer.getvalue().decode('utf-8', 'replace'),
        'stderr': err.buffer.getvalue().decode('utf-8', 'replace'),
    }) + '\n')
    answers.flush()
