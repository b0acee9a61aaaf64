package org.msgcenter.center.channel.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.msgcenter.center.channel.Addresses;

class AddressesTest {

  @ParameterizedTest(name = "{0} is shown as {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "https://hooks.example.com/services/T000/B000/XXXX?token=abc | https://hooks.example.com/***",
        "https://user:pass@hooks.example.com:8443/x | https://hooks.example.com:8443/***",
        "https://hooks.example.com?access_token=abc | https://hooks.example.com/***",
        "https://hooks.example.com#frag | https://hooks.example.com/***",
        "HTTPS://Hooks.Example.com/Path | https://Hooks.Example.com/***",
        "http://[::1]:8080/a | http://[::1]:8080/***",
        "http://evil.example\\@good.example/x | http://evil.example/***",
        "file:///etc/passwd | file:///***",
        "not a url | ***",
        "mailto:someone@example.com | ***",
        "https://exa mple.com/x | ***"
      })
  void urls_are_masked_to_scheme_host_and_port(String url, String masked) {
    assertThat(Addresses.maskUrl(url)).isEqualTo(masked);
  }

  @org.junit.jupiter.api.Test
  void null_stays_null() {
    assertThat(Addresses.maskUrl(null)).isNull();
  }
}
