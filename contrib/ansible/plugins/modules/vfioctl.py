#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright: (c) the vfioctl authors
# GNU General Public License v2.0 or later, and so also version 3 (the licence of
# Ansible's own modules); see https://www.gnu.org/licenses/

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: vfioctl
short_description: Hand PCI devices to their VFIO driver, or give them back
version_added: "0.1.0"
description:
  - Binds a PCI device to its best VFIO driver with C(vfioctl), the variant
    driver whose module alias matches the device most exactly (such as
    C(mlx5_vfio_pci)), else the generic C(vfio-pci); or gives it back to the
    host driver it had.
  - With I(persist=true), the default, the choice is also recorded in
    C(/etc/vfioctl.d), which C(vfioctl apply) carries out at every boot
    (udev rule, systemd unit, initramfs). See vfioctl.d(5).
  - The module runs C(vfioctl --json) and reads its JSON only. It reports
    C(changed) only when vfioctl changed a binding, a record, the owner of a
    device's VFIO nodes or a count of VFs; in check mode vfioctl's
    C(--dry-run) plans the change and nothing is written.
  - A failure is reported with vfioctl's own message; a device that failed
    to bind has been put back on the driver it had.
options:
  device:
    description:
      - A PCI address, C(DDDD:BB:DD.F) (or C(BB:DD.F) for domain 0000).
      - Or, with I(persist=true), C(VVVV:DDDD) or C(VVVV:DDDD:SSSS:TTTT)
        (vendor, device, subsystem vendor, subsystem device IDs, 4 hex digits
        each) for every device with those IDs, present now or later.
    type: str
    required: true
  state:
    description:
      - C(vfio) binds the device to a VFIO driver (C(vfioctl bind)).
      - C(host) gives it back to the driver it had before, or to the
        kernel's choice (C(vfioctl unbind)).
      - With I(numvfs), C(vfio) makes I(numvfs) SR-IOV virtual functions of
        the device and binds each to VFIO, and C(host) gives the VFs back and
        removes them (C(vfioctl sriov)).
    type: str
    choices: [vfio, host]
    default: vfio
  driver:
    description:
      - The VFIO driver (or the module that registers it), such as
        C(vfio-pci); C(auto) picks the best one, and with I(persist=true)
        picks it again at each boot.
      - With I(numvfs), the driver of the VFs.
    type: str
    default: auto
  persist:
    description:
      - Also record the choice in C(/etc/vfioctl.d) (I(state=vfio)), or
        remove the device's record (I(state=host)), so that it holds across
        reboots.
      - With I(persist=false) only the running system changes, until the
        next boot, and a record that exists is left alone.
    type: bool
    default: true
  owner:
    description:
      - C(USER) or C(USER:GROUP), names or numbers, that get the device's VFIO
        nodes (C(/dev/vfio/N)), so that a VM can run unprivileged.
      - Only with I(state=vfio).
    type: str
  numvfs:
    description:
      - The device is an SR-IOV physical function; it stays on its driver and
        gets I(numvfs) virtual functions, each bound to VFIO.
    type: int
  group:
    description:
      - Bind every endpoint of the device's IOMMU group, each to its own best
        driver (I(driver) for all), all or none (C(vfioctl bind --group)).
      - Only with I(state=vfio) and I(persist=false); vfioctl records single
        devices.
    type: bool
    default: false
  force:
    description:
      - Take a device the host is using (a network interface that is up, a
        mounted file system), or give back one a process holds open through
        VFIO. Without it vfioctl refuses such a device and says why.
    type: bool
    default: false
  root:
    description:
      - Work on the system under this directory (C(vfioctl --root)), such as
        an image being prepared; without C(sys/) there, only records are
        written.
    type: path
  executable:
    description:
      - The vfioctl program; by default C(vfioctl) from C(PATH),
        C(/usr/sbin) or C(/usr/local/sbin).
    type: path
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  platform:
    platforms: linux
requirements:
  - vfioctl (its Debian package, or C(make install)) on the target
notes:
  - Run with privilege escalation (C(become)); vfioctl writes to C(/sys),
    C(/etc/vfioctl.d) and C(/run/vfioctl).
  - A record with C(driver=auto) (the default) binds whatever driver is best
    at each boot; a device already on a VFIO driver other than the best one
    is moved to the best one.
seealso:
  - name: vfioctl(8)
    description: The command this module runs, and its JSON output.
    link: https://manpages.debian.org/vfioctl
author:
  - vfioctl authors (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Bind a NIC to its VFIO driver, now and at every boot
  vfioctl.vfioctl.vfioctl:
    device: "0000:41:00.0"

- name: Every ConnectX-7 VF, present or future, on its variant driver, for user qemu
  vfioctl.vfioctl.vfioctl:
    device: "15b3:101e"
    owner: qemu

- name: Four VFs of an SR-IOV NIC, bound to vfio-pci at every boot
  vfioctl.vfioctl.vfioctl:
    device: "0000:3b:00.0"
    numvfs: 4
    driver: vfio-pci

- name: A GPU and its audio function, until the next boot only
  vfioctl.vfioctl.vfioctl:
    device: "0000:01:00.0"
    group: true
    persist: false

- name: Give the NIC back to its host driver, and forget its record
  vfioctl.vfioctl.vfioctl:
    device: "0000:41:00.0"
    state: host
'''

RETURN = r'''
cmd:
  description: The vfioctl command that ran.
  returned: always
  type: list
  elements: str
  sample: [/usr/sbin/vfioctl, --json, bind, --persist, --, "0000:41:00.0"]
rc:
  description: vfioctl's exit status (0 done, 1 failed, 2 bad input).
  returned: when vfioctl ran
  type: int
  sample: 0
vfioctl:
  description:
    - vfioctl's JSON output, as documented in vfioctl(8) (JSON OUTPUT), for
      the command that ran.
    - In check mode, the plan of C(--dry-run).
  returned: when vfioctl ran
  type: raw
  sample:
    - device: "0000:41:00.0"
      module: vfio_pci
      driver: vfio-pci
      previous_driver: ice
      status: bound
      changed: true
    - device: "0000:41:00.0"
      record: /etc/vfioctl.d/pci-0000:41:00.0.conf
      driver: auto
      status: recorded in
      changed: true
      previous: null
devices:
  description:
    - Each device the command acted on, with its driver before and after
      (C(null) for none; after is C(null) in check mode when the driver is
      only known once its module is loaded).
  returned: when vfioctl ran
  type: list
  elements: dict
  sample:
    - device: "0000:41:00.0"
      before: ice
      after: vfio-pci
      changed: true
records:
  description:
    - Each record in C(/etc/vfioctl.d) the command wrote, removed or found
      already as wanted, with its content before and after (C(null) for
      none).
  returned: when persist is true and vfioctl ran
  type: list
  elements: dict
  sample:
    - record: /etc/vfioctl.d/pci-0000:41:00.0.conf
      before: null
      after: {driver: auto}
      changed: true
stderr_lines:
  description: What vfioctl wrote to standard error (warnings, errors).
  returned: when vfioctl ran
  type: list
  elements: str
  sample: ["vfioctl: warning: 0000:01:00.0: IOMMU group 1 is not viable"]
'''

import json
import re

from ansible.module_utils.basic import AnsibleModule

ADDRESS = re.compile(r'^(pci/)?([0-9a-fA-F]{4,}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]$')
IDS = re.compile(r'^[0-9a-fA-F]{4}:[0-9a-fA-F]{4}(:[0-9a-fA-F]{4}:[0-9a-fA-F]{4})?$')


def objects(doc):
    """Every JSON object in vfioctl's document, depth first."""
    if isinstance(doc, dict):
        yield doc
        for v in doc.values():
            for o in objects(v):
                yield o
    elif isinstance(doc, list):
        for v in doc:
            for o in objects(v):
                yield o


def error_line(obj):
    """vfioctl's own one-line message for an object with an error."""
    if obj.get('device') and 'record' not in obj:
        return 'vfioctl: %s: %s' % (obj['device'], obj['error'])
    return 'vfioctl: %s' % obj['error']


def record_state(rec):
    """A record as the diff shows it: its non-empty keys."""
    if not rec:
        return None
    return dict((k, v) for k, v in rec.items() if v not in (None, '', -1))


def command(module, vfioctl):
    p = module.params
    cmd = [vfioctl, '--json']
    if p['root']:
        cmd += ['--root', p['root']]
    vfio = p['state'] == 'vfio'
    if p['numvfs'] is not None:
        cmd += ['sriov', '--numvfs', str(p['numvfs'] if vfio else 0)]
    else:
        cmd += ['bind' if vfio else 'unbind']
    if vfio and p['driver'] != 'auto':
        cmd += ['--driver', p['driver']]
    if vfio and p['owner']:
        cmd += ['--owner', p['owner']]
    if p['group']:
        cmd += ['--group']
    if p['persist']:
        cmd += ['--persist']
    if p['force']:
        cmd += ['--force']
    if module.check_mode:
        cmd += ['--dry-run']
    return cmd + ['--', p['device']]


def check_params(module):
    p = module.params
    if not ADDRESS.match(p['device']) and not IDS.match(p['device']):
        module.fail_json(msg="device: '%s' is neither a PCI address (DDDD:BB:DD.F) nor "
                             "VVVV:DDDD[:SSSS:TTTT]" % p['device'])
    if IDS.match(p['device']) and not p['persist']:
        module.fail_json(msg='device: vendor:device IDs need persist: true')
    if p['group'] and (p['persist'] or p['state'] != 'vfio' or p['numvfs'] is not None):
        module.fail_json(msg='group: only with state: vfio, persist: false and no numvfs')
    if p['numvfs'] is not None and p['numvfs'] < 0:
        module.fail_json(msg='numvfs: must be 0 or more')
    if p['state'] == 'host' and (p['owner'] or p['driver'] != 'auto'):
        module.warn('owner and driver have no effect with state: host')


def main():
    module = AnsibleModule(
        argument_spec=dict(
            device=dict(type='str', required=True),
            state=dict(type='str', default='vfio', choices=['vfio', 'host']),
            driver=dict(type='str', default='auto'),
            persist=dict(type='bool', default=True),
            owner=dict(type='str'),
            numvfs=dict(type='int'),
            group=dict(type='bool', default=False),
            force=dict(type='bool', default=False),
            root=dict(type='path'),
            executable=dict(type='path'),
        ),
        supports_check_mode=True,
    )
    check_params(module)
    vfioctl = module.params['executable'] or module.get_bin_path(
        'vfioctl', required=True, opt_dirs=['/usr/sbin', '/usr/local/sbin'])
    cmd = command(module, vfioctl)
    rc, out, err = module.run_command(cmd, environ_update={'LC_ALL': 'C', 'NO_COLOR': '1'})
    result = dict(changed=False, cmd=cmd, rc=rc, stderr_lines=err.splitlines())
    try:
        doc = json.loads(out)
    except ValueError:
        module.fail_json(msg='vfioctl printed no JSON (exit status %d): %s'
                             % (rc, err.strip() or out.strip()), **result)
    result['vfioctl'] = doc

    for line in result['stderr_lines']:
        if line.startswith('vfioctl: warning: '):
            module.warn(line[len('vfioctl: '):])

    devices, records = [], []
    for o in objects(doc):
        if 'record' in o and 'status' in o:
            records.append(dict(record=o['record'], changed=bool(o.get('changed')),
                                before=record_state(o.get('previous')),
                                after=None if o['status'] in ('removed', 'would remove')
                                else record_state(dict(driver=o.get('driver'),
                                                       owner=o.get('owner'),
                                                       numvfs=o.get('numvfs')))))
        elif 'device' in o and 'status' in o and 'previous_driver' in o:
            after = o.get('driver') if o['status'] != 'failed' else o.get('driver_now')
            devices.append(dict(device=o['device'], before=o['previous_driver'],
                                after=after, changed=bool(o.get('changed'))))
    result['devices'] = devices
    if module.params['persist']:
        result['records'] = records
    result['changed'] = any(o.get('changed') is True for o in objects(doc))
    if module._diff:
        result['diff'] = dict(
            before=dict(devices=dict((d['device'], d['before']) for d in devices),
                        records=dict((r['record'], r['before']) for r in records)),
            after=dict(devices=dict((d['device'], d['after']) for d in devices),
                       records=dict((r['record'], r['after']) for r in records)))

    errors = [error_line(o) for o in objects(doc) if o.get('error')]
    if rc != 0 or errors:
        if not errors:
            errors = [line for line in result['stderr_lines']
                      if line.startswith('vfioctl: ') and
                      not line.startswith('vfioctl: warning: ')] or \
                ['vfioctl failed with exit status %d' % rc]
        module.fail_json(msg='\n'.join(errors), **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
