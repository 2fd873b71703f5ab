/**
 * @module The sign-in mutation.
 */
import { useMutation } from "@tanstack/react-query";
import { api } from "../../lib/api";

export function useLogin() {
  return useMutation({
    mutationFn: ({ username, password }: { username: string; password: string }) =>
      api.login(username, password),
  });
}
