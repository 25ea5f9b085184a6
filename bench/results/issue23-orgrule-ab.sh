#!/bin/bash
export DEBUG=0 SECRET_KEY=x ALLOWED_HOSTS=testserver,localhost,127.0.0.1 SECURE_SSL_REDIRECT=0
PAGES=organisation,meeting-6th,members,pillar,api-organizations
for i in 1 2; do
  for side in before after; do
    dir=/tmp/orgrule/before; [ $side = after ] && dir=.  # before: a checkout of the commit before, in /tmp/orgrule/before
    uptime
    (cd $dir && env -u REDIS_URL .venv/bin/python bench/pages.py --database-url postgres://postgres@127.0.0.1:5432/iisg_bench_100x_orgrule --pages $PAGES --personas anonymous,bench_board,bench_secretariat --repeat 10 --json /tmp/orgrule/$side-$i.json > /tmp/orgrule/$side-$i.txt 2>&1)
  done
done
uptime
