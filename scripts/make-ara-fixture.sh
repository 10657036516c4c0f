#!/usr/bin/env bash
# Regenerate tests/fixtures/ara/: a real ARA recording of a small kolla-like run.
#
# Three `ansible-playbook` runs against localhost (connection local, `command: sleep 1` tasks,
# no docker) imitate what `osism apply` runs: `kolla-keystone.yml` and `kolla-nova.yml` (one
# play "Apply role <name>" each, roles whose config tasks notify "Restart <svc> container"
# handlers, as kolla-ansible's roles do), `ceph-rolling_update.yml` (plays named as in
# ceph-ansible's rolling_update.yml) and `site-cleanup.yml` (a playbook record-map.yaml does
# not know). ARA's callback records them into a local sqlite database (offline API client),
# and the three list commands export them. The temporary work directory in the recorded paths
# is replaced by `/ansible` (where OSISM's containers keep their playbooks), so the files do
# not change with the directory they were made in.
#
# Usage: scripts/make-ara-fixture.sh   (needs python3 with venv; PyPI for the first run)
#   ARA_VENV=DIR  the virtualenv to use or create (default /tmp/ara-venv)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/tests/fixtures/ara
VENV=${ARA_VENV:-/tmp/ara-venv}
ARA_VERSION=1.8.0
ANSIBLE_CORE_VERSION=2.19.14
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ara-fixture.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

if [[ ! -x "$VENV/bin/ara" ]]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "ara[server]==$ARA_VERSION" "ansible-core==$ANSIBLE_CORE_VERSION"
fi
PY=$VENV/bin/python

cd "$WORK"
mkdir -p roles/nova/tasks roles/nova/handlers roles/keystone/tasks roles/keystone/handlers
cat > inventory <<'EOF'
[control]
ctl01 ansible_connection=local
ctl02 ansible_connection=local

[mons]
ctl01 ansible_connection=local

[osds]
stor01 ansible_connection=local
EOF
cat > roles/keystone/tasks/main.yml <<'EOF'
- name: Pulling keystone images
  command: sleep 1
- name: Copying over keystone.conf
  command: /bin/true
  changed_when: true
  notify:
    - Restart keystone container
EOF
cat > roles/keystone/handlers/main.yml <<'EOF'
- name: Restart keystone container
  command: sleep 1
EOF
cat > roles/nova/tasks/main.yml <<'EOF'
- name: Pulling nova images
  command: sleep 1
- name: Copying over nova.conf
  command: /bin/true
  changed_when: true
  notify:
    - Restart nova-api container
    - Restart nova-scheduler container
- name: Running Nova API bootstrap container
  command: sleep 1
  run_once: true
EOF
cat > roles/nova/handlers/main.yml <<'EOF'
- name: Restart nova-api container
  command: sleep 1
- name: Restart nova-scheduler container
  command: sleep 1
EOF
cat > kolla-keystone.yml <<'EOF'
- name: Apply role keystone
  hosts: control
  gather_facts: false
  roles:
    - keystone
EOF
cat > kolla-nova.yml <<'EOF'
- name: Apply role nova
  hosts: control
  gather_facts: false
  roles:
    - nova
EOF
cat > ceph-rolling_update.yml <<'EOF'
- name: confirm whether user really meant to upgrade the cluster
  hosts: localhost
  gather_facts: false
  tasks:
    - name: exit playbook, if user did not mean to upgrade cluster
      fail:
        msg: "not confirmed"
      when: ireallymeanit != 'yes'

- name: upgrade ceph mon cluster
  hosts: mons
  gather_facts: false
  serial: 1
  tasks:
    - name: stop ceph mon
      command: sleep 1
    - name: start ceph mon
      command: sleep 1

- name: upgrade ceph osds cluster
  hosts: osds
  gather_facts: false
  serial: 1
  tasks:
    - name: stop ceph osd
      command: sleep 1
    - name: start ceph osd
      command: sleep 1
EOF
cat > site-cleanup.yml <<'EOF'
- name: Clean up old images
  hosts: control
  gather_facts: false
  tasks:
    - name: Remove dangling images
      command: sleep 1
EOF

export ARA_BASE_DIR=$WORK/ara ARA_API_CLIENT=offline
export ANSIBLE_CALLBACK_PLUGINS
ANSIBLE_CALLBACK_PLUGINS=$("$PY" -m ara.setup.callback_plugins)
export ANSIBLE_PYTHON_INTERPRETER=$PY ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=false
"$VENV/bin/ara-manage" migrate >/dev/null
for pb in kolla-keystone.yml kolla-nova.yml ceph-rolling_update.yml site-cleanup.yml; do
  "$VENV/bin/ansible-playbook" -i inventory "$pb" -e ireallymeanit=yes >/dev/null
done

mkdir -p "$OUT"
ara=$VENV/bin/ara
"$ara" playbook list --long -f json --limit 1000 >"$WORK/playbooks.json"
"$ara" result list --long --resolve -f json --limit 100000 >"$WORK/results.json"
"$ara" task list --long --resolve -f json --limit 100000 >"$WORK/tasks.json"
for f in playbooks results tasks; do
  # The work directory → /ansible, byte for byte otherwise.
  sed "s#$WORK/#/ansible/#g" "$WORK/$f.json" >"$OUT/$f.json"
done
ara_version=$("$ara" --version 2>/dev/null | awk '{print $2}')
core_version=$("$PY" -c 'import ansible.release; print(ansible.release.__version__)')
echo "wrote $OUT/{playbooks,results,tasks}.json (ara $ara_version, ansible-core $core_version)"
