# Insecure uses of ruby-jwt; each marked line is a finding.
require 'jwt'

def unverified(token)
  payload, _header = JWT.decode token, nil, false
  payload['role'] == 'admin'
end

def none(token)
  JWT.decode(token, nil, true, { algorithm: 'none' })
end

def unpinned(token, key)
  JWT.decode(token, key, true)
end

def lax(token, key)
  JWT.decode(token, key, true, algorithm: 'HS256', verify_expiration: false, verify_aud: false)
end

def mint(key, id)
  JWT.encode({ sub: id }, key, 'HS256')
end

def audit(access_token)
  puts "token=#{access_token}"
end
