// JUnit reports are checked with a real XML parser (Python's ElementTree, present wherever Ansible
// runs): the report must be well-formed and carry the structure CI parsers read.
import { execFileSync } from 'node:child_process';

export interface ParsedCase {
  name: string;
  classname: string;
  failure: string | null;
}

export interface ParsedJunit {
  tests: number;
  failures: number;
  suites: number;
  cases: ParsedCase[];
}

const SCRIPT = `
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == 'testsuites', root.tag
cases = [{'name': c.get('name'), 'classname': c.get('classname'),
          'failure': (c.find('failure').get('message') if c.find('failure') is not None else None)}
         for c in root.iter('testcase')]
print(json.dumps({'tests': int(root.get('tests')), 'failures': int(root.get('failures')),
                  'suites': len(root.findall('testsuite')), 'cases': cases}))
`;

export function parseJunit(file: string): ParsedJunit {
  return JSON.parse(execFileSync('python3', ['-c', SCRIPT, file], { encoding: 'utf8' })) as ParsedJunit;
}
